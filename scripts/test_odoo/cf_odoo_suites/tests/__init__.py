"""Run the at_install tests of Odoo's modules again, once every module is loaded.

A module's at_install tests run right after that module is loaded, so the
modules loaded after it (customer_followup among them) are not in the registry
yet. This package gives Odoo's post_install loader, which runs after the whole
registry is loaded, a copy of each at_install test class of MODULES, tagged
post_install instead of at_install.

Odoo's loader (odoo/tests/loader.py) collects the members of this package that
are modules named ``test_*``, and from each one the TestCase classes whose
``__module__`` is that module's name. So each test module of MODULES gets a
stand-in module object of the same name holding subclasses of its at_install
classes: the test ids, the log records' logger and the ``/module`` test tags
stay those of the original tests, and ``--test-tags`` selects them as usual.
"""

import types
from unittest import case

from odoo.tests import loader

MODULES = ("mail", "portal", "sale", "sale_management", "crm", "sale_crm")


def _post_install_copy(test_module):
    """A module object named like ``test_module`` holding a post_install
    subclass of each of its at_install test classes."""
    copy = types.ModuleType(test_module.__name__)
    for name, cls in vars(test_module).items():
        if not (
            isinstance(cls, type)
            and issubclass(cls, case.TestCase)
            and cls.__module__ == test_module.__name__
            and "at_install" in (getattr(cls, "test_tags", None) or ())
        ):
            continue
        attrs = {
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "test_tags": (cls.test_tags - {"at_install"}) | {"post_install"},
        }
        if not getattr(cls, "allow_inherited_tests_method", False):
            # The loader only takes the test methods of a class's own __dict__.
            attrs.update(
                (key, value)
                for key, value in vars(cls).items()
                if key.startswith("test") and callable(value)
            )
        setattr(copy, name, type(cls.__name__, (cls,), attrs))
    return copy


for _module_name in MODULES:
    for _test_module in loader.get_test_modules(_module_name):
        _key = "test_again_" + _test_module.__name__.replace(".", "_")
        globals()[_key] = _post_install_copy(_test_module)
