/* Unit tests for daemon/image/image-manifest.c, image-digest.c and image-change.c:
 * Docker manifest.json, OCI/schema2 manifests, index platform choice,
 * digest parsing and verification, commit --change parsing. */
#include "image-change.h"
#include "image-internal.h"
#include "image-manifest.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"

static void
test_digest_parse(void **state)
{
	char hex[65];

	assert_int_equal(image_digest_parse("sha256:" H1, hex), 0);
	assert_string_equal(hex, H1);
	assert_int_equal(image_digest_parse(H1, hex), -EINVAL);
	assert_int_equal(image_digest_parse("sha512:" H1, hex), -EINVAL);
	assert_int_equal(image_digest_parse("sha256:../../etc/passwd", hex), -EINVAL);
	assert_int_equal(image_digest_parse("sha256:" H1 "0", hex), -EINVAL);
	assert_int_equal(image_digest_parse("sha256:ABCDEF1111111111111111111111111111111111111111111111111111111111", hex),
			 -EINVAL);
	assert_int_equal(image_digest_parse(NULL, hex), -EINVAL);
}

static void
test_digest_verify(void **state)
{
	char path[] = "/tmp/test-digest-XXXXXX", hex[65];
	int fd = mkstemp(path);
	uint64_t size;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "abc", 3), 3);
	assert_int_equal(image_digest_fd(fd, hex, &size), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(size, 3);
	image_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	close(fd);
}

static void
test_docker_manifest(void **state)
{
	json_t *m = json_loads("[{\"Config\":\"" H1 ".json\",\"RepoTags\":[\"busybox:latest\"],"
			       "\"Layers\":[\"" H2 "/layer.tar\",\"x/layer.tar\"]}]", 0, NULL);
	struct image_desc *d = NULL;
	struct lite_err err = { 0 };
	size_t n = 0;

	assert_int_equal(image_manifest_docker(m, &d, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].config_hex, H1);
	assert_int_equal(d[0].n_layers, 2);
	assert_string_equal(d[0].layers[1], "x/layer.tar");
	assert_string_equal(d[0].tags[0], "busybox:latest");
	assert_null(d[0].tags[1]);
	image_manifest_descs_free(d, n);
	json_decref(m);
}

static void
test_docker_manifest_bad(void **state)
{
	static const char *const bad[] = {
		"{}", "[]", "[{\"Layers\":[]}]", "[{\"Config\":\"c.json\"}]",
		"[{\"Config\":\"c.json\",\"Layers\":[1]}]",
		"[{\"Config\":\"c.json\",\"Layers\":[],\"RepoTags\":[\"Bad Tag\"]}]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *m = json_loads(bad[i], 0, NULL);
		struct image_desc *d = NULL;
		struct lite_err err = { 0 };
		size_t n = 0;

		assert_true(image_manifest_docker(m, &d, &n, &err) < 0);
		assert_non_null(err.msg);
		lite_err_clear(&err);
		json_decref(m);
	}
}

static json_t *
oci_manifest(const char *layer_mt, const char *layer_digest)
{
	return json_pack("{s:i,s:s,s:{s:s},s:[{s:s,s:s,s:i}]}", "schemaVersion", 2, "mediaType", MT_OCI_MANIFEST,
			 "config", "digest", "sha256:" H1, "layers", "mediaType", layer_mt, "digest", layer_digest,
			 "size", 10);
}

static void
test_oci_manifest(void **state)
{
	static const char *const ok_types[] = {
		"application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.docker.image.rootfs.diff.tar.gzip",
	};

	for (size_t i = 0; i < 4; i++) {
		json_t *m = oci_manifest(ok_types[i], "sha256:" H2);
		struct image_desc d = { 0 };
		struct lite_err err = { 0 };

		assert_int_equal(image_manifest_oci(m, true, &d, &err), 0);
		assert_string_equal(d.config_hex, H1);
		assert_string_equal(d.config, "blobs/sha256/" H1);
		assert_string_equal(d.layer_hex[0], H2);
		assert_string_equal(d.layers[0], "blobs/sha256/" H2);
		image_manifest_desc_free(&d);
		json_decref(m);
	}
}

static void
test_oci_manifest_bad(void **state)
{
	json_t *cases[] = {
		oci_manifest("application/x-tar", "sha256:" H2),
		oci_manifest("application/vnd.oci.image.layer.v1.tar", "sha256:../../x"),
		oci_manifest("application/vnd.oci.image.layer.v1.tar", "md5:" H2),
		json_pack("{s:i,s:{s:s},s:[]}", "schemaVersion", 1, "config", "digest", "sha256:" H1, "layers"),
		json_pack("{s:i,s:{s:s},s:[]}", "schemaVersion", 2, "config", "digest", "sha256:x", "layers"),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct image_desc d = { 0 };
		struct lite_err err = { 0 };

		assert_true(image_manifest_oci(cases[i], false, &d, &err) < 0);
		assert_non_null(err.msg);
		lite_err_clear(&err);
		image_manifest_desc_free(&d);
		json_decref(cases[i]);
	}
}

static void
test_index_pick(void **state)
{
	json_t *idx = json_pack("{s:i,s:s,s:[{s:s,s:{s:s,s:s}},{s:s,s:{s:s,s:s}}]}", "schemaVersion", 2, "mediaType",
				MT_OCI_INDEX, "manifests", "digest", "sha256:" H1, "platform", "os", "linux",
				"architecture", "arm64", "digest", "sha256:" H2, "platform", "os", "linux",
				"architecture", "amd64");
	struct lite_err err = { 0 };
	char hex[65];

	assert_true(image_manifest_is_index(idx, NULL));
	assert_int_equal(image_manifest_index_pick(idx, "linux", "amd64", hex, &err), 0);
	assert_string_equal(hex, H2);
	assert_int_equal(image_manifest_index_pick(idx, "linux", "arm64", hex, &err), 0);
	assert_string_equal(hex, H1);
	assert_int_equal(image_manifest_index_pick(idx, "linux", "s390x", hex, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "s390x"));
	lite_err_clear(&err);
	assert_false(image_manifest_is_index(NULL, MT_OCI_MANIFEST));
	assert_true(image_manifest_is_index(NULL, MT_DOCKER_LIST));
	json_decref(idx);
}

static void
test_index_ref_name(void **state)
{
	json_t *a = json_pack("{s:{s:s,s:s}}", "annotations", "io.containerd.image.name", "docker.io/library/x:1",
			      "org.opencontainers.image.ref.name", "1");
	json_t *b = json_pack("{s:{s:s}}", "annotations", "org.opencontainers.image.ref.name", "latest");
	json_t *c = json_pack("{s:{s:s}}", "annotations", "org.opencontainers.image.ref.name", "localhost/y:2");

	assert_string_equal(image_manifest_index_ref_name(a), "docker.io/library/x:1");
	assert_null(image_manifest_index_ref_name(b));
	assert_string_equal(image_manifest_index_ref_name(c), "localhost/y:2");
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_changes(void **state)
{
	json_t *cfg = json_pack("{s:[s]}", "Env", "PATH=/bin");
	char msg[256];
	char *s;

	assert_int_equal(image_change_apply(cfg, "CMD [\"cat\",\"/x\"]", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "ENTRYPOINT echo hi", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "ENV A=1", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "env PATH /usr/bin", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "WORKDIR /srv", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "USER nobody", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "LABEL k=\"v w\"", msg, sizeof(msg)), 0);
	assert_int_equal(image_change_apply(cfg, "EXPOSE 80", msg, sizeof(msg)), 0);
	s = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"Cmd\":[\"cat\",\"/x\"],\"Entrypoint\":[\"/bin/sh\",\"-c\",\"echo hi\"],"
			       "\"Env\":[\"PATH=/usr/bin\",\"A=1\"],\"ExposedPorts\":{\"80/tcp\":{}},"
			       "\"Labels\":{\"k\":\"v w\"},\"User\":\"nobody\",\"WorkingDir\":\"/srv\"}");
	free(s);
	assert_int_equal(image_change_apply(cfg, "RUN rm -rf /", msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "RUN"));
	assert_int_equal(image_change_apply(cfg, "CMD [1,2]", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(image_change_apply(cfg, "WORKDIR relative", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(image_change_apply(cfg, "CMD", msg, sizeof(msg)), -EINVAL);
	assert_int_equal(image_change_apply(cfg, "ENV NOVALUE", msg, sizeof(msg)), -EINVAL);
	json_decref(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_parse),     cmocka_unit_test(test_digest_verify),
		cmocka_unit_test(test_docker_manifest),  cmocka_unit_test(test_docker_manifest_bad),
		cmocka_unit_test(test_oci_manifest),     cmocka_unit_test(test_oci_manifest_bad),
		cmocka_unit_test(test_index_pick),       cmocka_unit_test(test_index_ref_name),
		cmocka_unit_test(test_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
