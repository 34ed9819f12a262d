"""Jobs: long-running work the user starts and watches (client-side copies, ECR replications and backfills).

UI-free (no Textual, no Rich): the CLI's progress bars and the app's jobs panel read the same model. Work reports
progress as the plain events of ``ecrtui.jobs.events`` through a callback and is cancelled with a
``threading.Event``.
"""
