"""deploy/: the rendered Kubernetes manifests pass schema validation and the platform's rules; compose and the
manifests give every service each setting production requires (deploy/README.md; `make deploy-validate`)."""

import functools
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from feedback.core.config import Settings as FeedbackSettings
from gateway.core.config import Settings as GatewaySettings
from matching.core.config import Settings as MatchingSettings
from sessions.core.config import Settings as SessionsSettings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
OVERLAYS = ("base", "overlays/production", "overlays/try")
# The oldest Kubernetes release these manifests target, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
SETTINGS = {
    "gateway": GatewaySettings,
    "matching": MatchingSettings,
    "sessions": SessionsSettings,
    "feedback": FeedbackSettings,
}
KNOWN = {name.upper() for settings in SETTINGS.values() for name in settings.model_fields}
# Read by the entrypoint or by one command, not by Settings.
NOT_SETTINGS = {"BOOTSTRAP_ADMIN_PASSWORD"}


@functools.cache
def render(overlay: str) -> list[dict[str, Any]]:
    """`kubectl kustomize` (the kustomize built into kubectl); required under CI=true."""
    if shutil.which("kubectl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("kubectl is required under CI=true to render deploy/k8s")
        pytest.skip("kubectl not installed: the Kustomize overlays cannot be rendered")
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S / overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return render(request.param)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_manifest_passes_strict_schema_validation(rendered: list[dict[str, Any]], version: str) -> None:
    templates = [d for d in yaml.safe_load_all((K8S / "secret-templates.yaml").read_text()) if d]
    for doc in [*rendered, *templates]:
        kubernetes_validate.validate(doc, version, strict=True)  # raises ValidationError naming the field


def test_a_broken_manifest_is_refused() -> None:
    bad = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSIONS[0], strict=True)


def test_deployments_are_hardened_probed_limited_and_drain(rendered: list[dict[str, Any]]) -> None:
    deployments = by_kind(rendered, "Deployment")
    assert sorted(deployments) == sorted(SETTINGS)
    for name, deployment in deployments.items():
        assert "replicas" not in deployment["spec"]  # the autoscaler owns the count; an apply must not reset it
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
        assert pod["terminationGracePeriodSeconds"] >= 15
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
        (container,) = pod["containers"]
        assert container["args"] == [name, "serve"]
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert container["lifecycle"]["preStop"]["exec"]["command"][0] == "sleep"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"][
            "limits"
        ]
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        # Several replicas: an autoscaler and a disruption budget per service, never fewer than two pods.
        assert by_kind(rendered, "HorizontalPodAutoscaler")[name]["spec"]["minReplicas"] >= 2
        assert by_kind(rendered, "PodDisruptionBudget")[name]["spec"]["minAvailable"] == 1


def test_only_the_gateway_is_reachable_from_outside(rendered: list[dict[str, Any]]) -> None:
    ingresses = by_kind(rendered, "Ingress")
    backends = {
        p["backend"]["service"]["name"]
        for i in ingresses.values()
        for r in i["spec"]["rules"]
        for p in r["http"]["paths"]
    }
    assert backends == {"gateway"}
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in by_kind(rendered, "Service").values())
    policies = by_kind(rendered, "NetworkPolicy")
    assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    outside = [
        p
        for p in policies.values()
        for rule in p["spec"].get("ingress", [])
        for peer in rule["from"]
        if "namespaceSelector" in peer
    ]
    assert [p["metadata"]["name"] for p in outside] == ["gateway-from-ingress"]
    assert outside[0]["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "gateway"


def test_every_object_is_namespaced_and_jobs_migrate_and_bootstrap(rendered: list[dict[str, Any]]) -> None:
    for doc in rendered:
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == "nearpeer", doc["metadata"]
    jobs = by_kind(rendered, "Job")
    assert sorted(jobs) == ["bootstrap", *sorted(f"migrate-{s}" for s in SETTINGS)]
    assert jobs["bootstrap"]["spec"]["template"]["spec"]["initContainers"][0]["args"] == ["gateway", "migrate"]


def test_production_overlay_sets_registry_image_and_host() -> None:
    docs = render("overlays/production")
    images = {
        c["image"]
        for d in docs
        if d["kind"] in ("Deployment", "Job")
        for c in d["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"registry.example.org/nearpeer:1.0.0"}
    assert by_kind(docs, "Ingress")["gateway"]["spec"]["rules"][0]["host"] == "nearpeer.faculty.example.org"
    assert by_kind(docs, "HorizontalPodAutoscaler")["gateway"]["spec"]["minReplicas"] == 3


# --- every setting production needs, from compose and from the manifests ----------------------------------------


def fake_file(tmp_path: Path, name: str, path: str) -> str:
    """A stand-in for the secret file at `path` (the value a real deployment would mount)."""
    target = tmp_path / re.sub(r"[^A-Za-z0-9.-]", "_", path)
    if not target.exists():
        value = "postgresql+psycopg://nearpeer:pw@db:5432/x" if name == "DATABASE_URL" else secrets.token_urlsafe(32)
        target.write_text(value + "\n")
    return str(target)


def signing_key(tmp_path: Path) -> str:
    path = tmp_path / "signing-key.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return str(path)


def check_production_settings(
    service: str, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment a container gets, with its files resolved as the entrypoint does: production accepts it."""
    for key in list(os.environ):
        if key.lower() in SETTINGS[service].model_fields:
            monkeypatch.delenv(key)
    for key, value in env.items():
        name = key.removesuffix("_FILE")
        assert name in KNOWN | NOT_SETTINGS, f"{service}: {key} is no service's setting (a typo is silently ignored)"
        if key.endswith("_FILE"):
            value = Path(fake_file(tmp_path, name, value)).read_text().strip()
        if name == "SIGNING_KEY_PATH":
            value = signing_key(tmp_path)
        monkeypatch.setenv(name, value)
    settings = SETTINGS[service]()  # raises naming every unsafe or missing setting
    assert settings.environment == "production" and not settings.is_sqlite


def compose_env(service: dict[str, Any]) -> dict[str, str]:
    def resolve(value: object) -> str:
        return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))

    return {k: resolve(v) for k, v in service["environment"].items()}


def test_compose_gives_each_service_every_production_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    for name in SETTINGS:
        with monkeypatch.context() as patch:
            check_production_settings(name, compose_env(services[name]), tmp_path, patch)
        with monkeypatch.context() as patch:
            check_production_settings(name, compose_env(services[f"migrate-{name}"]), tmp_path, patch)
        assert services[name]["command"] == [name, "serve"] and services[f"migrate-{name}"]["command"] == [
            name,
            "migrate",
        ]
    with monkeypatch.context() as patch:
        check_production_settings("gateway", compose_env(services["bootstrap"]), tmp_path, patch)
    assert [s for s in services if services[s].get("ports")] == ["gateway"]  # only the gateway is published


def test_manifests_give_each_service_every_production_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = render("overlays/production")
    config = by_kind(docs, "ConfigMap")["nearpeer-config"]["data"]
    workloads = [*by_kind(docs, "Deployment").values(), *by_kind(docs, "Job").values()]
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            service = container["args"][0]
            env = {k: v for k, v in config.items() if k.lower() in SETTINGS[service].model_fields or k == "ENVIRONMENT"}
            env.update({e["name"]: e["value"] for e in container["env"]})
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            for key, value in env.items():
                if key.endswith("_FILE") or key == "SIGNING_KEY_PATH":
                    assert str(Path(value).parent) in mounts, f"{workload['metadata']['name']}: {value} is not mounted"
            with monkeypatch.context() as patch:
                check_production_settings(service, env, tmp_path, patch)
