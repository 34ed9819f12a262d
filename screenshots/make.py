"""Render SVG screenshots of the main ecrtui views from the demo sandbox."""
