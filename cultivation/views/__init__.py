"""Cultivation pages, one module per subject. Views read through selectors and write through
services and workflow; they never set a state themselves."""
