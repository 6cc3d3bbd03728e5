"""kontakta_rules: Kontakta's rules as versioned, bilingual, cited data."""
