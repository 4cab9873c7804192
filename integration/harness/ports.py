"""Free TCP ports on the loopback interface.

The kernel picks a free port when we bind port 0; we release it immediately and hand the
number to a server that binds it a moment later. Ports already handed out in this process
are never handed out twice, so two servers started back to back cannot collide with each
other (a collision with an unrelated process on the machine stays possible but rare).
"""

import socket
import threading

LOOPBACK = "127.0.0.1"

_lock = threading.Lock()
_handed_out: set[int] = set()


def free_port() -> int:
    """Returns a loopback port that was free a moment ago and was not returned before."""
    with _lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind((LOOPBACK, 0))
                port = s.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free loopback port found after 100 tries")


def port_accepts(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
