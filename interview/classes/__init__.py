"""Classes and mock-interview sessions: instructors run them, students join and answer them."""
