"""Linking: mentions → places (GeoNames and curated regions), dates, companies, NACE sectors."""
