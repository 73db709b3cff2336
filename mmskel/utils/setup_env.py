"""Import every registering module and make ``mmskel`` the default registry scope."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register all mmskel modules into the registries.

    Args:
        init_default_scope (bool): Make ``mmskel`` the current default scope, so that configs
            without a scope prefix build mmskel classes. Defaults to True.
    """
    import mmskel.datasets  # noqa: F401
    import mmskel.engine  # noqa: F401
    import mmskel.evaluation  # noqa: F401
    import mmskel.models  # noqa: F401
    import mmskel.structures  # noqa: F401
    import mmskel.visualization  # noqa: F401

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mmskel', scope_name='mmskel')
    elif current.scope_name != 'mmskel':
        warnings.warn(f'The current default scope "{current.scope_name}" is not "mmskel"; '
                      'a new default scope "mmskel" is created and used.')
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S.%f')
        DefaultScope.get_instance(f'mmskel-{stamp}', scope_name='mmskel')
