"""Type stubs for the compiled extension ``skymaps._core``."""

__version__: str

def set_parallelism(enabled: bool) -> None: ...
def get_parallelism() -> bool: ...

# [geometry]

# [pixelization]

# [tessellation]

# [records]
