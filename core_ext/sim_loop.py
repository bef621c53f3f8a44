"""The compiled simulation loop."""

from core_ext import compiled

_loop = compiled("_sim_loop")
SimLoop = _loop.SimLoop
SHIFT_START: int = _loop.SHIFT_START
SHIFT_END: int = _loop.SHIFT_END
PAUSE: int = _loop.PAUSE
LOGIN: int = _loop.LOGIN
LOGOUT: int = _loop.LOGOUT

__all__ = ["LOGIN", "LOGOUT", "PAUSE", "SHIFT_END", "SHIFT_START", "SimLoop"]
