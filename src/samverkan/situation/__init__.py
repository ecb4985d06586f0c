"""The shared lägesbild (situation picture): indicators, input rounds and the joint picture (docs/situation.md)."""
