"""cookiecutter pre-generation hook: the validation copier.yml does with its validators.

Keep the messages in agreement with the validators in copier.yml.
"""

import re
import sys

RESERVED = ["test", "tests", "src", "data", "notebooks", "mltest", "pytest", "sklearn", "torch", "pandas", "numpy"]

project_name = {{ cookiecutter.project_name | tojson }}
package_name = {{ cookiecutter.package_name | tojson }}
author_email = {{ cookiecutter.author_email | tojson }}
dvc_remote = {{ cookiecutter.dvc_remote | tojson }}
dvc_remote_url = {{ cookiecutter.dvc_remote_url | tojson }}
PREFIXES = {"s3": ("s3://", "An S3"), "gcs": ("gs://", "A Google Cloud Storage"), "azure": ("azure://", "An Azure")}


def problems():
    if not project_name.strip():
        yield "The project name must not be empty."
    if not re.match(r"^[a-z][a-z0-9_]*$", package_name):
        yield (
            f'"{package_name}" is not a valid package name: use lowercase ASCII letters, digits and '
            "underscores, starting with a letter (for example my_project)."
        )
    elif len(package_name) > 30:
        yield (
            f'"{package_name}" is too long ({len(package_name)} characters): keep it to 30 or fewer, '
            "it is typed in every import."
        )
    elif package_name in RESERVED:
        yield f'"{package_name}" would shadow another package or folder: choose a more specific name.'
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", author_email):
        yield f'"{author_email}" is not an email address (expected name@domain.tld).'
    if dvc_remote in PREFIXES and not dvc_remote_url.startswith(PREFIXES[dvc_remote][0]):
        prefix, what = PREFIXES[dvc_remote]
        yield f'{what} remote URL starts with {prefix} (got "{dvc_remote_url}").'
    if dvc_remote == "local" and not dvc_remote_url.strip():
        yield "A local remote needs a directory path."


errors = list(problems())
for error in errors:
    print(f"error: {error}", file=sys.stderr)
sys.exit(1 if errors else 0)
