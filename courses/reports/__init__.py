"""Reports, charts and the dashboard panels of the education staff."""
