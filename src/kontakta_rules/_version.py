"""The package version (read by hatchling for the build, by reports for their provenance)."""

__version__ = "0.1.0"
