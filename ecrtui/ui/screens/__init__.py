"""Screens: help, error log, region picker, confirm. One screen per module; import from the module."""
