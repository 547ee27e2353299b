#!/usr/bin/env python3
"""Build test image archives for lite's integration tests and benchmarks.

mkoci.py oci OUT.tar [--bad-digest] [--index]
    An OCI image layout tar, two layers on top of the busybox rootfs given
    in $BASE_TAR: a gzip layer adding /a and /etc/gz-file, a zstd layer
    deleting /a (whiteout), making /d opaque and adding /b. Config: Env,
    Cmd, WorkingDir, Labels. --index wraps it in an index with two
    platforms (linux/amd64, and linux/arm64: the base layer only). --bad-digest corrupts
    one blob's content so its digest no longer matches.
mkoci.py hostile OUT.tar KIND
    A Docker archive whose one layer holds a hostile entry (KIND: dotdot,
    abs-symlink-write, hardlink-out).
mkoci.py debian OUT.tar NAME TOTAL_MB N_LAYERS
    A Docker archive: $BASE_TAR plus N layers of Debian-installed files
    from /usr, about TOTAL_MB in all (the load benchmark).
mkoci.py docker OUT.tar NAME N_LAYERS SIZE_MB
    A Docker archive with N layers of SIZE_MB of file data each on top of
    $BASE_TAR (benchmarks, concurrency tests).
"""
import gzip, hashlib, io, json, os, subprocess, sys, tarfile, time


def sha(b):
    return hashlib.sha256(b).hexdigest()


def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            ti.mtime = 1700000000
            ti.mode = e.get("mode", 0o644)
            kind = e.get("type", "file")
            data = e.get("data", b"")
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e["target"]
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = e["target"]
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def zstd(b):
    return subprocess.run(["zstd", "-q", "-c"], input=b, stdout=subprocess.PIPE, check=True).stdout


def base_layer():
    with open(os.environ["BASE_TAR"], "rb") as f:
        return f.read()


def config(diff_ids, arch="amd64"):
    return json.dumps({
        "architecture": arch, "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/bin:/bin:/usr/sbin:/sbin", "FOO=from-config"],
                   "Cmd": ["cat", "/b"], "WorkingDir": "/d",
                   "Labels": {"org.example": "yes"}},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
        "history": [{"created_by": "base"}, {"created_by": "gz"}, {"created_by": "zstd"}],
    }, sort_keys=True).encode()


def write_archive(out, files):
    with tarfile.open(out, "w") as t:
        for name, data in files:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))


def oci(out, bad_digest, index):
    l0 = base_layer()
    l1 = tar_bytes([{"name": "a", "data": b"A\n"}, {"name": "d", "type": "dir"},
                    {"name": "d/old", "data": b"old\n"}, {"name": "etc/gz-file", "data": b"gz\n"}])
    l2 = tar_bytes([{"name": ".wh.a"}, {"name": "d", "type": "dir"}, {"name": "d/.wh..wh..opq"},
                    {"name": "d/new", "data": b"new\n"}, {"name": "b", "data": b"hello from zstd\n"}])
    blobs = {}
    layers = []
    for raw, comp, mt in [(l0, l0, "application/vnd.oci.image.layer.v1.tar"),
                          (l1, gzip.compress(l1, mtime=0), "application/vnd.oci.image.layer.v1.tar+gzip"),
                          (l2, zstd(l2), "application/vnd.oci.image.layer.v1.tar+zstd")]:
        blobs[sha(comp)] = comp
        layers.append({"mediaType": mt, "digest": "sha256:" + sha(comp), "size": len(comp)})
    cfg = config([sha(l0), sha(l1), sha(l2)])
    blobs[sha(cfg)] = cfg
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": "sha256:" + sha(cfg), "size": len(cfg)},
                      "layers": layers}).encode()
    blobs[sha(man)] = man
    top = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + sha(man),
           "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "ocitest:v1"}}
    if index:
        # a real arm64 image (its base layer and an arm64 config), so a
        # registry accepts the index (skopeo copy --all)
        ocfg = config([sha(l0)], arch="arm64")
        blobs[sha(ocfg)] = ocfg
        other = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                       "digest": "sha256:" + sha(ocfg), "size": len(ocfg)},
                            "layers": layers[:1]}).encode()
        blobs[sha(other)] = other
        idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                          "manifests": [
                              {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "digest": "sha256:" + sha(other), "size": len(other),
                               "platform": {"os": "linux", "architecture": "arm64"}},
                              {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "digest": "sha256:" + sha(man), "size": len(man),
                               "platform": {"os": "linux", "architecture": "amd64"}}]}).encode()
        blobs[sha(idx)] = idx
        top = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + sha(idx),
               "size": len(idx), "annotations": {"org.opencontainers.image.ref.name": "ocitest:v1"}}
    if bad_digest:
        k = layers[1]["digest"][7:]
        blobs[k] = blobs[k][:-1] + bytes([blobs[k][-1] ^ 1])
    files = [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
             ("index.json", json.dumps({"schemaVersion": 2, "manifests": [top]}).encode())]
    files += [("blobs/sha256/" + k, v) for k, v in blobs.items()]
    write_archive(out, files)


def docker(out, name, layer_tars):
    diff = [sha(l) for l in layer_tars]
    cfg = config(diff)
    files = [(sha(cfg) + ".json", cfg)]
    files += [(d + "/layer.tar", l) for d, l in zip(diff, layer_tars)]
    files.append(("manifest.json", json.dumps([{"Config": sha(cfg) + ".json", "RepoTags": [name] if name else [],
                                                "Layers": [d + "/layer.tar" for d in diff]}]).encode()))
    write_archive(out, files)


def hostile(out, kind):
    if kind == "dotdot":
        l = tar_bytes([{"name": "../evil", "data": b"x"}])
    elif kind == "abs-symlink-write":
        l = tar_bytes([{"name": "etc", "type": "symlink", "target": "/etc"},
                       {"name": "etc/lite-evil", "data": b"x"}])
    else:
        l = tar_bytes([{"name": "passwd", "type": "hardlink", "target": "/etc/passwd"}])
    docker(out, "hostile:latest", [l])


def bigdocker(out, name, n, mb):
    layers = [base_layer()]
    for i in range(n):
        ents = [{"name": "data%d" % i, "type": "dir"}]
        chunk = 1 << 20
        for j in range(mb):
            ents.append({"name": "data%d/f%d" % (i, j), "data": os.urandom(chunk // 2) + bytes(chunk // 2)})
        layers.append(tar_bytes(ents))
    docker(out, name, layers)


def debian(out, name, total_mb, n):
    """N layers of files installed by Debian packages under /usr, ~total_mb."""
    per = total_mb * (1 << 20) // n
    layers, cur, size = [], [], 0
    for root in ("/usr/lib", "/usr/share", "/usr/bin", "/usr/libexec"):
        for dp, dns, fns in os.walk(root):
            dns.sort()
            for fn in sorted(fns):
                p = os.path.join(dp, fn)
                if not os.path.isfile(p) or os.path.islink(p):
                    continue
                cur.append(p)
                size += os.path.getsize(p)
                if size >= per:
                    layers.append(cur)
                    cur, size = [], 0
                    if len(layers) == n:
                        break
            if len(layers) == n:
                break
        if len(layers) == n:
            break
    tars = [base_layer()]
    for files in layers:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for p in files:
                t.add(p, arcname=p.lstrip("/"), recursive=False)
        tars.append(buf.getvalue())
    docker(out, name, tars)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "oci":
        oci(a[1], "--bad-digest" in a, "--index" in a)
    elif a[0] == "hostile":
        hostile(a[1], a[2])
    elif a[0] == "debian":
        debian(a[1], a[2], int(a[3]), int(a[4]))
    elif a[0] == "docker":
        bigdocker(a[1], a[2], int(a[3]), int(a[4]))
