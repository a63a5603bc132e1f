"""Training and evaluation scripts; they import emotion's feature code and write to models/."""
