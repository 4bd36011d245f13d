"""The supervisor's exceptions inbox: what is open, what resolves it, and what closes itself.

* :mod:`.inbox` lists every open exception, most urgent and newest first, with
  its cause, what it concerns, who raised it and the actions that resolve it;
* :mod:`.actions` runs one of those actions (one call, one unit of work, a
  typed result);
* :mod:`.settle` closes exceptions whose waited-for work is done.
"""
