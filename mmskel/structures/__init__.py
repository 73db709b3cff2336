from .action_data_sample import ActionDataSample
from .layouts import LAYOUTS, Layout, get_layout

__all__ = ['ActionDataSample', 'LAYOUTS', 'Layout', 'get_layout']
