"""Jobs: long-running work the user starts and watches (client-side copies, ECR replications and backfills).

UI-free (no Textual, no Rich): the CLI's progress bars and the app's jobs panel read the same model. Work reports
progress as the plain events of ``ecrtui.jobs.events`` through a callback and is cancelled with a
``threading.Event``; ``ecrtui.jobs.model`` keeps each job's state, items, errors, rate and ETA (``Job``,
``JobBoard``), and ``ecrtui.jobs.rate`` derives speed from counts on an injected clock.
"""
