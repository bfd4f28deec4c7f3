"""Scheduling: what is due lives in the `delivery` table; timers only fill and drain it."""
