"""What the dashboard pages compute: plain functions over the mission's data, a few queries
each (aggregated in the database or over ``values()`` rows), no query per polling station."""
