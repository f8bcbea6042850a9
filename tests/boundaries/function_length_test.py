"""The function-length check (scripts/check-function-length.py) measures what it claims.

A deliberately long function fails; braces inside strings, comments, raw strings and lambdas do
not fool the brace matching; classes, namespaces and braced initialisers are not functions.
"""
import importlib.util
import pathlib
import subprocess
import sys
import tempfile
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check-function-length.py"
_spec = importlib.util.spec_from_file_location("check_function_length", SCRIPT)
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def long_function(name: str, body_lines: int) -> str:
    body = "".join(f"  total += {i};\n" for i in range(body_lines))
    return f"int {name}(int total) {{\n{body}  return total;\n}}\n"


def run(text: str, limit: int) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "cmd_x.cpp"
        path.write_text(text)
        return subprocess.run([sys.executable, str(SCRIPT), "--max", str(limit), folder],
                              capture_output=True, text=True)


class FunctionLength(unittest.TestCase):
    def test_a_long_function_fails_with_its_name_line_and_length(self):
        text = "namespace a {\nint short_one() { return 1; }\n" + long_function("too_long", 90) + "}\n"
        result = run(text, 80)
        self.assertEqual(result.returncode, 1, result.stdout)
        # signature line + 90 statements + return + closing brace = 93 lines, from line 3
        self.assertIn("cmd_x.cpp:3: too_long is 93 lines, over 80", result.stdout)
        self.assertNotIn("short_one", result.stdout)

    def test_a_function_at_the_limit_passes(self):
        result = run(long_function("exactly", 77), 80)  # 1 + 77 + 1 + 1 = 80 lines
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_braces_in_literals_and_comments_do_not_end_a_function(self):
        text = ('void f() {\n  const char* s = "}}}";\n  char c = \'}\';\n  // }\n  /* } */\n'
                '  auto raw = R"x(}})x";\n  auto l = [] { return 1; };\n  if (l()) {\n  }\n}\n'
                'void g() {}\n')
        self.assertEqual(check.functions(text), [("f", 1, 10), ("g", 11, 11)])

    def test_classes_members_and_initialisers(self):
        text = ("namespace n {\nstruct Options {\n  int a = 1;\n};\nclass Bar {\n public:\n"
                "  explicit Bar(int x) : x_(x) {\n    x_ += 1;\n  }\n  int get() const { return x_; }\n"
                " private:\n  int x_;\n};\nconst int kTable[] = {1, 2, 3};\n"
                "const Registration kReg{\"x\", \"y\", setup};\n}  // namespace n\n")
        self.assertEqual(check.functions(text), [("Bar", 7, 9), ("get", 10, 10)])

    def test_lambdas_count_toward_the_function_holding_them(self):
        lambda_body = "".join(f"    x += {i};\n" for i in range(85))
        text = f"Runner setup(App& app) {{\n  return [o] {{\n{lambda_body}  }};\n}}\n"
        self.assertEqual(check.functions(text), [("setup", 1, 89)])


if __name__ == "__main__":
    unittest.main()
