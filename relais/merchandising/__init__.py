"""Point-of-sale material partners order, and store execution checks (checklist and photos) the brand reviews."""
