/* Unit tests for client/template.c: Go text/template over JSON, with Go's
 * print formats and error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "template.h"

static json_t *dot;

static int
setup(void **state)
{
	json_error_t e;

	dot = json_loads("{\"Id\":\"abc123\",\"Name\":\"/web\",\"Args\":[\"-c\",\"echo hi\"],"
			 "\"State\":{\"Status\":\"running\",\"Running\":true,\"Paused\":false,\"Pid\":42,\"ExitCode\":0,"
			 "\"Health\":null},"
			 "\"Config\":{\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Entrypoint\":null,\"Env\":[\"A=1\",\"B=2\"],"
			 "\"Labels\":{\"k\":\"v\",\"a.b\":\"c\"},\"Tty\":false,\"Image\":\"busybox\"},"
			 "\"HostConfig\":{\"Memory\":0,\"NanoCpus\":500000000,\"CapAdd\":null,"
			 "\"RestartPolicy\":{\"Name\":\"no\",\"MaximumRetryCount\":0}},"
			 "\"NetworkSettings\":{\"IPAddress\":\"10.66.0.2\",\"Ports\":{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\","
			 "\"HostPort\":\"8080\"}],\"81/tcp\":null},\"Networks\":{\"bridge\":{\"IPAddress\":\"10.66.0.2\","
			 "\"Aliases\":null},\"n1\":{\"IPAddress\":\"10.67.0.5\",\"Aliases\":[\"x\"]}}},"
			 "\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"/v\",\"Destination\":\"/data\",\"RW\":true},"
			 "{\"Type\":\"bind\",\"Source\":\"/h\",\"Destination\":\"/b\",\"RW\":false}],"
			 "\"Ratio\":0.5,\"Big\":1e21,\"Empty\":\"\"}",
			 0, &e);
	assert_non_null(dot);
	return 0;
}

static int
teardown(void **state)
{
	json_decref(dot);
	return 0;
}

static void
expect(const char *tmpl, const char *want)
{
	char err[256] = "", *s = template_render(tmpl, dot, 0, err, sizeof(err));

	if (!s)
		fail_msg("%s: %s", tmpl, err);
	if (strcmp(s, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", tmpl, s, want);
	free(s);
}

static void
expect_err(const char *tmpl, const char *want)
{
	char err[256] = "", *s = template_render(tmpl, dot, 0, err, sizeof(err));

	if (s)
		fail_msg("%s: no error, got \"%s\"", tmpl, s);
	if (strcmp(err, want) != 0)
		fail_msg("%s: error \"%s\", want \"%s\"", tmpl, err, want);
}

static void
test_fields(void **state)
{
	expect("{{.Id}}", "abc123");
	expect("{{.State.Status}}", "running");
	expect("{{ .State.Running }}", "true");
	expect("{{.State.Paused}}", "false");
	expect("{{.State.Pid}} {{.State.ExitCode}}", "42 0");
	expect("{{.Ratio}} {{.Big}}", "0.5 1e+21");
	expect("{{.NetworkSettings.IPAddress}}", "10.66.0.2");
	expect("{{.Config.Labels.k}}", "v");
	expect("{{.Config.Labels.nope}}", "<no value>"); /* a map's missing key */
	expect("x{{.}}y", "x{abc123 /web [-c echo hi] {running true false 42 0 <nil>} "
			   "{[sh -c echo hi] [] [A=1 B=2] map[a.b:c k:v] false busybox} "
			   "{0 500000000 [] {no 0}} {10.66.0.2 map[80/tcp:[{0.0.0.0 8080}] 81/tcp:[]] "
			   "map[bridge:{10.66.0.2 []} n1:{10.67.0.5 [x]}]} "
			   "[{volume /v /data true} {bind /h /b false}] 0.5 1e+21 }y");
}

static void
test_print_forms(void **state)
{
	expect("{{.Config.Cmd}}", "[sh -c echo hi]");
	expect("{{.Config.Entrypoint}}", "[]"); /* a nil slice */
	expect("{{.HostConfig.CapAdd}}", "[]");
	expect("{{.State.Health}}", "<nil>");   /* a nil pointer */
	expect("{{.Config.Labels}}", "map[a.b:c k:v]");
	expect("{{.HostConfig.RestartPolicy}}", "{no 0}");
	expect("{{.Mounts}}", "[{volume /v /data true} {bind /h /b false}]");
	expect("{{.Empty}}", "");
	expect("{{.Config.Healthcheck}}|{{.Config.StopSignal}}|{{if .Config.Healthcheck}}x{{end}}", "<nil>||");
}

static void
test_json(void **state)
{
	expect("{{json .Config.Env}}", "[\"A=1\",\"B=2\"]");
	expect("{{json .State.Running}}", "true");
	expect("{{json .Config.Entrypoint}}", "null");
	expect("{{json .Config.Labels.nope}}", "null");
	expect("{{.Config.Env | json}}", "[\"A=1\",\"B=2\"]");
	expect("{{json .HostConfig.RestartPolicy}}", "{\"Name\":\"no\",\"MaximumRetryCount\":0}");
}

static void
test_index(void **state)
{
	expect("{{index .Config.Labels \"k\"}}", "v");
	expect("{{index .Config.Labels \"a.b\"}}", "c");
	expect("{{index .Config.Labels \"nope\"}}", ""); /* zero value of a string map */
	expect("{{index .Config.Cmd 1}}", "-c");
	expect("{{(index (index .NetworkSettings.Ports \"80/tcp\") 0).HostPort}}", "8080");
	expect("{{index .NetworkSettings.Ports \"81/tcp\"}}", "[]");
	expect("{{index .NetworkSettings.Networks \"n1\" | json}}", "{\"IPAddress\":\"10.67.0.5\",\"Aliases\":[\"x\"]}");
	expect_err("{{index .Config.Cmd 9}}",
		   "template: :1:2: executing \"\" at <index .Config.Cmd 9>: error calling index: index out of range: 9");
}

static void
test_range(void **state)
{
	expect("{{range .Mounts}}{{.Source}}{{end}}", "/v/h");
	expect("{{range .Mounts}}{{.Destination}} {{end}}", "/data /b ");
	expect("{{range $i, $m := .Mounts}}{{$i}}={{$m.Type}},{{end}}", "0=volume,1=bind,");
	expect("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.66.0.2 10.67.0.5 ");
	expect("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a.b=c;k=v;"); /* key order */
	expect("{{range $p, $b := .NetworkSettings.Ports}}{{$p}}->{{$b}} {{end}}",
	       "80/tcp->[{0.0.0.0 8080}] 81/tcp->[] ");
	expect("{{range .Config.Entrypoint}}x{{else}}none{{end}}", "none");
	expect("{{range .Config.Env}}{{$.Id}}:{{.}} {{end}}", "abc123:A=1 abc123:B=2 ");
	expect("{{range $e := .Config.Env}}{{$e}}{{end}}", "A=1B=2");
}

static void
test_if_with(void **state)
{
	expect("{{if .State.Running}}up{{else}}down{{end}}", "up");
	expect("{{if .State.Paused}}p{{else if .State.Running}}r{{else}}x{{end}}", "r");
	expect("{{if not .State.Paused}}ok{{end}}", "ok");
	expect("{{if eq .State.Status \"running\"}}yes{{end}}", "yes");
	expect("{{if ne .State.Status \"running\"}}yes{{else}}no{{end}}", "no");
	expect("{{if eq .State.Status \"exited\" \"running\"}}one of{{end}}", "one of");
	expect("{{if and .State.Running (eq .State.Pid 42)}}a{{end}}", "a");
	expect("{{if or .State.Paused .Empty}}a{{else}}b{{end}}", "b");
	expect("{{with .HostConfig.RestartPolicy}}{{.Name}}{{end}}", "no");
	expect("{{with .State.Health}}{{.Status}}{{else}}none{{end}}", "none");
	expect("{{if .Config.Labels}}labels{{end}}", "labels");
	expect("{{if .Config.Entrypoint}}e{{else}}-{{end}}", "-");
	expect("{{if gt .State.Pid 10}}big{{end}}{{if lt .State.Pid 10}}small{{end}}", "big");
	expect("{{if le 1 1}}a{{end}}{{if ge 2 1}}b{{end}}", "ab");
	expect("{{$x := .State.Pid}}{{$x}}", "42");
	expect("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2");
}

static void
test_functions(void **state)
{
	expect("{{len .Mounts}} {{len .Config.Labels}} {{len .Id}} {{len .Config.Entrypoint}}", "2 2 6 0");
	expect("{{join .Args \" \"}}", "-c echo hi");
	expect("{{join .Config.Env \",\"}}", "A=1,B=2");
	expect("{{upper .Name}} {{lower \"AbC\"}} {{title \"hello big world\"}}", "/WEB abc Hello Big World");
	expect("{{split \"a:b:c\" \":\"}}", "[a b c]");
	expect("{{index (split .NetworkSettings.IPAddress \".\") 3}}", "2");
	expect("{{println .Id .State.Pid}}", "abc123 42\n");
	expect("{{print .State.Pid 1 \"x\" 2}}", "42 1x2");
	expect("{{printf \"%s has %d (%v) %q %5s|%-4d|%%\" .Id .State.Pid .State.Running .Name \"ab\" 7}}",
	       "abc123 has 42 (true) \"/web\"    ab|7   |%");
	expect("{{printf \"%s\"}}", "%!s(MISSING)");
	expect("{{.Id | printf \"<%s>\"}}", "<abc123>");
	expect("{{.Name | upper | printf \"%s!\"}}", "/WEB!");
	expect("{{pad .Id 1 2}}|{{truncate .Id 3}}", " abc123  |abc");
}

static void
test_text(void **state)
{
	expect("a  {{- .Id -}}  b", "aabc123b");
	expect("a\n{{- .Id}}\n", "aabc123\n");
	expect("{{/* a comment */}}x", "x");
	expect("a {{- /* c */ -}} b", "ab");
	expect("{{\"q\\\"uote\"}} {{`raw\\n`}}", "q\"uote raw\\n");
	expect("a\\tb", "a\\tb"); /* without TEMPLATE_ESCAPES */

	char err[64], *s = template_render("a\\tb\\n{{.Id}}", dot, TEMPLATE_ESCAPES, err, sizeof(err));

	assert_string_equal(s, "a\tb\nabc123");
	free(s);
}

static void
test_errors(void **state)
{
	expect_err("{{.Nope}}", "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope");
	expect_err("x{{.State.Nope}}", "template: :1:3: executing \"\" at <.State.Nope>: can't evaluate field Nope");
	expect_err("a\nb {{.Nope}}", "template: :2:4: executing \"\" at <.Nope>: can't evaluate field Nope");
	expect_err("{{.State.Health.Status}}",
		   "template: :1:2: executing \"\" at <.State.Health.Status>: nil pointer evaluating *.Status");
	expect_err("{{.Id", "template: :1: unclosed action");
	expect_err("{{nope .Id}}", "template: :1: function \"nope\" not defined");
	expect_err("{{if .Id}}x", "template: :1: unexpected EOF");
	expect_err("{{end}}", "template: :1: unexpected {{end}}");
	expect_err("{{len 3}}", "template: :1:2: executing \"\" at <len 3>: error calling len: len of type");
	expect_err("{{join .Args}}", "template: :1:2: executing \"\" at <join .Args>: wrong number of args for join: "
				      "want 2 got 1");
	expect_err("{{$nope}}", "template: :1:2: executing \"\" at <$nope>: undefined variable: $nope");
	expect_err("{{\"x}}", "template: :1: unterminated quoted string");
	expect_err("{{define \"x\"}}{{end}}", "template: :1: {{define}} is not supported");
	expect_err("{{range .Id}}{{end}}", "template: :1:8: executing \"\" at <.Id>: range can't iterate over abc123");
	expect_err("{{lt .Id 1}}", "template: :1:2: executing \"\" at <lt .Id 1>: error calling lt: incompatible types "
				    "for comparison");
}

static void
test_header(void **state)
{
	json_t *titles = json_pack("{s:s}", "ID", "CONTAINER ID");
	char err[64], *s = template_render("{{.ID}}\\t{{.RunningFor}}", titles, TEMPLATE_HEADER | TEMPLATE_ESCAPES,
					   err, sizeof(err));

	assert_string_equal(s, "CONTAINER ID\tRUNNING FOR");
	free(s);
	json_decref(titles);
}

static void
test_format_value(void **state)
{
	json_t *v = json_pack("[s,i,b,n]", "a", 1, 1);
	char *s = template_format_value(v, NULL);

	assert_string_equal(s, "[a 1 true <nil>]");
	free(s);
	s = template_format_value(NULL, NULL);
	assert_string_equal(s, "<no value>");
	free(s);
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),    cmocka_unit_test(test_print_forms), cmocka_unit_test(test_json),
		cmocka_unit_test(test_index),     cmocka_unit_test(test_range),       cmocka_unit_test(test_if_with),
		cmocka_unit_test(test_functions), cmocka_unit_test(test_text),        cmocka_unit_test(test_errors),
		cmocka_unit_test(test_header),    cmocka_unit_test(test_format_value),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
