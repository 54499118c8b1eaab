"""The indicator vocabulary and the rows of targets.csv."""
