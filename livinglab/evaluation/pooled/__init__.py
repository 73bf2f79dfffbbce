"""Pooled evidence across campaigns: random-effects meta-analyses of published runs."""
