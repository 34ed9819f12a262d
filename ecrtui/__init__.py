"""ecrtui: a keyboard-driven terminal app for Amazon ECR."""

__version__ = "0.1.0"
