"""Install mmskel; ship configs/, tools/ and model-index.yml under mmskel/.mim as OpenMMLab does."""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))
MIM_FILES = ['configs', 'tools', 'model-index.yml']


def readme() -> str:
    with open(osp.join(HERE, 'README.md'), encoding='utf-8') as f:
        return f.read()


def version() -> str:
    scope = {}
    with open(osp.join(HERE, 'mmskel', 'version.py'), encoding='utf-8') as f:
        exec(f.read(), scope)
    return scope['__version__']


def requirements(name: str) -> list:
    with open(osp.join(HERE, 'requirements', name), encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip() and not line.startswith(('#', '-'))]


def add_mim_extension() -> None:
    """Link (editable installs) or copy (wheels, sdists) the MIM files into mmskel/.mim."""
    if any(cmd in sys.argv for cmd in ('develop', 'editable_wheel')):
        mode = 'symlink'
    elif any(cmd in sys.argv for cmd in ('sdist', 'bdist_wheel', 'install', 'build')):
        mode = 'copy'
    else:
        return
    mim_root = osp.join(HERE, 'mmskel', '.mim')
    os.makedirs(mim_root, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(HERE, name), osp.join(mim_root, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if not osp.exists(src):
            continue
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_root), dst)
        elif osp.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(src, dst)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmskel',
        version=version(),
        description='Skeleton-based action recognition toolbox on mmengine',
        long_description=readme(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs', 'benchmarks')),
        include_package_data=True,
        package_data={'mmskel': ['.mim/**/*', 'datasets/meta/*.txt', 'text/data/*.yaml']},
        python_requires='>=3.8',
        install_requires=requirements('runtime.txt'),
        extras_require={'tests': requirements('tests.txt'),
                        'optional': requirements('optional.txt'),
                        'lst': requirements('lst.txt')},
        zip_safe=False,
    )
