"""Product training: modules with a short quiz, assignments, completions per seller, certifications with expiry."""
