"""Parses every manifest in deploy/k8s and checks what issue 14 asks of
them: the writer as a one-pod StatefulSet with a volume that publishes
snapshots; replicas as a Deployment that follows them, with an HPA on CPU
and a PDB; Services for gRPC and HTTP; native gRPC probes on the
plaintext health port; the shared snapshot volume; the indexer Job on the
writer's volume; Secrets for the tokens file and TLS; resource requests;
runAsNonRoot and a read-only root filesystem; a NetworkPolicy. Each check
is also run on a broken copy, to show it catches what it is for.

    python3 k8s_manifests_test.py DEPLOY_K8S_DIR
"""
import copy
import os
import sys
import unittest

import yaml

K8S_DIR = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "deploy", "k8s")


def load_manifests(folder):
    """{(kind, name): document} of every YAML file the kustomization lists."""
    with open(os.path.join(folder, "kustomization.yaml")) as f:
        kustomization = yaml.safe_load(f)
    documents = {}
    for resource in kustomization["resources"]:
        with open(os.path.join(folder, resource)) as f:
            for doc in yaml.safe_load_all(f):
                if doc is None:
                    continue
                for field in ("apiVersion", "kind", "metadata"):
                    if field not in doc:
                        raise ValueError(f"{resource}: a document has no {field}")
                documents[(doc["kind"], doc["metadata"]["name"])] = doc
    return kustomization, documents


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def flag(container, name):
    """The value of --name=VALUE in the container's command, or None."""
    for arg in container.get("command", []) + container.get("args", []):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    return None


def check_pod(where, spec, server=True):
    problems = []
    security = spec.get("securityContext", {})
    if security.get("runAsNonRoot") is not True:
        problems.append(f"{where}: pod securityContext.runAsNonRoot is not true")
    for c in spec.get("initContainers", []) + spec["containers"]:
        cs = c.get("securityContext", {})
        if cs.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{where}/{c['name']}: readOnlyRootFilesystem is not true")
        if cs.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{where}/{c['name']}: allowPrivilegeEscalation is not false")
        requests = c.get("resources", {}).get("requests", {})
        if "cpu" not in requests or "memory" not in requests:
            problems.append(f"{where}/{c['name']}: no cpu and memory requests")
        if "memory" not in c.get("resources", {}).get("limits", {}):
            problems.append(f"{where}/{c['name']}: no memory limit")
    if not server:
        return problems
    container = spec["containers"][0]
    health = flag(container, "health-listen")
    if health is None:
        problems.append(f"{where}: the server has no --health-listen")
        return problems
    health_port = int(health.rsplit(":", 1)[1])
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        grpc = container.get(probe, {}).get("grpc")
        if grpc is None:
            problems.append(f"{where}: {probe} is not a native gRPC probe")
        elif grpc.get("port") != health_port:
            problems.append(
                f"{where}: {probe} probes port {grpc.get('port')}, not the "
                f"health port {health_port}")
    for name, secret in (("principals", "helixmatch-tokens"),
                         ("tls-cert", "helixmatch-tls")):
        if flag(container, name) is None:
            problems.append(f"{where}: the server has no --{name}")
        secrets = [v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v]
        if secret not in secrets:
            problems.append(f"{where}: Secret {secret} is not mounted")
    return problems


def check_all(kustomization, docs):
    problems = []
    generated = {g["name"] for g in kustomization.get("secretGenerator", [])}
    for secret in ("helixmatch-tokens", "helixmatch-tls"):
        if secret not in generated:
            problems.append(f"kustomization: no secretGenerator for {secret}")

    writer = docs.get(("StatefulSet", "helixmatch-writer"))
    replica = docs.get(("Deployment", "helixmatch-replica"))
    job = docs.get(("Job", "helixmatch-indexer"))
    if writer is None or replica is None or job is None:
        return problems + ["missing the writer StatefulSet, the replica "
                           "Deployment or the indexer Job"]
    snapshots = docs.get(("PersistentVolumeClaim", "helixmatch-snapshots"))
    if snapshots is None or "ReadWriteMany" not in snapshots["spec"]["accessModes"]:
        problems.append("no ReadWriteMany PersistentVolumeClaim helixmatch-snapshots")

    # Selectors select the pods they are for.
    for name, workload in (("writer", writer), ("replica", replica)):
        selector = workload["spec"]["selector"]["matchLabels"]
        labels = workload["spec"]["template"]["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in selector.items()):
            problems.append(f"{name}: selector does not match the pod labels")

    # The writer: one pod, its own volume, publishing to the snapshot volume.
    if writer["spec"].get("replicas") != 1:
        problems.append("writer: replicas is not 1")
    if not writer["spec"].get("volumeClaimTemplates"):
        problems.append("writer: no volumeClaimTemplates (persistent volume)")
    wspec = pod_spec(writer)
    wserver = wspec["containers"][0]
    publish = flag(wserver, "publish-dir")
    if publish is None:
        problems.append("writer: no --publish-dir")
    problems += check_pod("writer", wspec)

    # Replicas follow the writer's folder, read-only.
    rspec = pod_spec(replica)
    rserver = rspec["containers"][0]
    if flag(rserver, "replica-of") != publish:
        problems.append("replica: --replica-of is not the writer's --publish-dir")
    mounts = {m["mountPath"]: m for m in rserver.get("volumeMounts", [])}
    if publish not in mounts or mounts[publish].get("readOnly") is not True:
        problems.append("replica: the snapshot volume is not mounted read-only")
    volume_claims = {v["name"]: v["persistentVolumeClaim"]["claimName"]
                     for spec in (wspec, rspec) for v in spec["volumes"]
                     if "persistentVolumeClaim" in v}
    if "helixmatch-snapshots" not in volume_claims.values():
        problems.append("no pod mounts the snapshot volume")
    problems += check_pod("replica", rspec)

    hpa = docs.get(("HorizontalPodAutoscaler", "helixmatch-replica"))
    if hpa is None or hpa["spec"]["scaleTargetRef"] != {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "name": "helixmatch-replica"}:
        problems.append("no HorizontalPodAutoscaler on the replica Deployment")
    elif not any(m.get("resource", {}).get("name") == "cpu"
                 for m in hpa["spec"]["metrics"]):
        problems.append("hpa: does not scale on cpu")
    elif hpa["spec"].get("minReplicas", 1) < 2:
        problems.append("hpa: minReplicas below 2")
    pdb = docs.get(("PodDisruptionBudget", "helixmatch-replica"))
    replica_labels = replica["spec"]["template"]["metadata"]["labels"]
    if pdb is None or any(replica_labels.get(k) != v for k, v in
                          pdb["spec"]["selector"]["matchLabels"].items()):
        problems.append("no PodDisruptionBudget selecting the replicas")

    # Services for gRPC and HTTP, selecting pods that exist.
    for component, labels in (("writer", writer["spec"]["template"]["metadata"]["labels"]),
                              ("replica", replica_labels)):
        services = [d for (kind, _), d in docs.items() if kind == "Service" and
                    all(labels.get(k) == v for k, v in d["spec"]["selector"].items())]
        ports = {p["name"] for s in services for p in s["spec"]["ports"]}
        if not {"grpc", "http"} <= ports:
            problems.append(f"{component}: no Service with grpc and http ports")

    # The indexer Job writes into the writer's data volume.
    jspec = pod_spec(job)
    claim = "data-helixmatch-writer-0"
    if claim not in [v.get("persistentVolumeClaim", {}).get("claimName")
                     for v in jspec["volumes"]]:
        problems.append(f"indexer: does not mount the writer's claim {claim}")
    if "helixmatch-indexer" not in " ".join(jspec["containers"][0]["command"]):
        problems.append("indexer: does not run helixmatch-indexer")
    problems += check_pod("indexer", jspec, server=False)

    policies = [d for (kind, _), d in docs.items() if kind == "NetworkPolicy"]
    if not any(set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
               for p in policies):
        problems.append("no NetworkPolicy restricting both ingress and egress")
    return problems


class ManifestTest(unittest.TestCase):
    def setUp(self):
        self.kustomization, self.docs = load_manifests(K8S_DIR)

    def test_every_yaml_file_is_listed_and_parses(self):
        listed = set(self.kustomization["resources"]) | {"kustomization.yaml"}
        on_disk = {f for f in os.listdir(K8S_DIR) if f.endswith(".yaml")}
        self.assertEqual(on_disk, listed)

    def test_manifests_have_every_required_field(self):
        self.assertEqual(check_all(self.kustomization, self.docs), [])

    def broken(self, mutate):
        docs = copy.deepcopy(self.docs)
        kustomization = copy.deepcopy(self.kustomization)
        mutate(kustomization, docs)
        return "\n".join(check_all(kustomization, docs))

    def test_checks_catch_broken_manifests(self):
        writer = ("StatefulSet", "helixmatch-writer")
        replica = ("Deployment", "helixmatch-replica")

        def writable_root(k, d):
            pod_spec(d[replica])["containers"][0]["securityContext"][
                "readOnlyRootFilesystem"] = False
        self.assertIn("replica/server: readOnlyRootFilesystem is not true",
                      self.broken(writable_root))

        def root(k, d):
            pod_spec(d[writer])["securityContext"]["runAsNonRoot"] = False
        self.assertIn("writer: pod securityContext.runAsNonRoot is not true",
                      self.broken(root))

        def http_probe(k, d):
            pod_spec(d[replica])["containers"][0]["readinessProbe"] = {
                "httpGet": {"port": 8080, "path": "/"}}
        self.assertIn("replica: readinessProbe is not a native gRPC probe",
                      self.broken(http_probe))

        def tls_port_probe(k, d):
            pod_spec(d[writer])["containers"][0]["livenessProbe"]["grpc"]["port"] = 50051
        self.assertIn("probes port 50051, not the health port 8081",
                      self.broken(tls_port_probe))

        def no_requests(k, d):
            del pod_spec(d[writer])["containers"][0]["resources"]["requests"]
        self.assertIn("writer/server: no cpu and memory requests",
                      self.broken(no_requests))

        def two_writers(k, d):
            d[writer]["spec"]["replicas"] = 2
        self.assertIn("writer: replicas is not 1", self.broken(two_writers))

        def other_folder(k, d):
            command = pod_spec(d[replica])["containers"][0]["command"]
            command[command.index("--replica-of=/var/lib/helixmatch/snapshots")] = \
                "--replica-of=/elsewhere"
        self.assertIn("replica: --replica-of is not the writer's --publish-dir",
                      self.broken(other_folder))

        def no_hpa(k, d):
            del d[("HorizontalPodAutoscaler", "helixmatch-replica")]
        self.assertIn("no HorizontalPodAutoscaler", self.broken(no_hpa))

        def no_policy(k, d):
            for key in [key for key in d if key[0] == "NetworkPolicy"]:
                del d[key]
        self.assertIn("no NetworkPolicy", self.broken(no_policy))

        def no_tls_secret(k, d):
            k["secretGenerator"] = [g for g in k["secretGenerator"]
                                    if g["name"] != "helixmatch-tls"]
        self.assertIn("no secretGenerator for helixmatch-tls",
                      self.broken(no_tls_secret))

        def no_http_service(k, d):
            for key in [key for key in d if key[0] == "Service"]:
                d[key]["spec"]["ports"] = [p for p in d[key]["spec"]["ports"]
                                           if p["name"] != "http"]
        self.assertIn("replica: no Service with grpc and http ports",
                      self.broken(no_http_service))


if __name__ == "__main__":
    unittest.main(verbosity=2)
