"""Feedback on answers given in a class's sessions: the instructor's comments pinned to a moment
of the replay (or about the whole answer) and the class's rubric, marked 1-5 per answer; the
student sees both on their report and is told when there is something new."""
