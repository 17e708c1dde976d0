"""plan_extract."""
