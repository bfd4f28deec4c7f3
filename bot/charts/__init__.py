"""Charts drawn from plain data (no database, no platform): each returns a Chart, a PNG with
alt text that states the numbers it shows, and is cached by the data it shows."""

from bot.charts.client import trajectory_chart
from bot.charts.drawing import Chart, off_the_loop, png_off_the_loop
from bot.charts.group import change_chart, group_practice_chart
from bot.charts.practice import PRACTICE_WEEKS, practice_chart, weekly

__all__ = [
    "PRACTICE_WEEKS",
    "Chart",
    "change_chart",
    "group_practice_chart",
    "off_the_loop",
    "png_off_the_loop",
    "practice_chart",
    "trajectory_chart",
    "weekly",
]
