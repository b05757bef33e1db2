"""Scheduled work: the sweep that sends reminders, and the scheduler that runs it."""
