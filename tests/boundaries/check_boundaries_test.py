"""The module-boundary check fails on a deliberately wrong include and passes a clean tree.

Each case writes a small source tree and the graphviz file CMake would write for it, then runs
scripts/check-boundaries.py on them, as scripts/test.sh does on the real tree.
"""
import pathlib
import subprocess
import sys
import tempfile
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check-boundaries.py"

# ketapath_clinic links core publicly; ketapath_store links clinic publicly and sqlite privately;
# ketapath_trial links pd privately, pd links core publicly; the CLI links everything.
GRAPH = """digraph "ketapath" {
    "node0" [ label = "ketapath_core", shape = octagon ];
    "node1" [ label = "ketapath_clinic", shape = octagon ];
    "node2" [ label = "ketapath_store", shape = octagon ];
    "node3" [ label = "SQLite::SQLite3", shape = octagon ];
    "node4" [ label = "ketapath_pd", shape = octagon ];
    "node5" [ label = "ketapath_trial", shape = octagon ];
    "node6" [ label = "ketapath", shape = egg ];
    "node1" -> "node0"  // ketapath_clinic -> ketapath_core
    "node2" -> "node1"  // ketapath_store -> ketapath_clinic
    "node2" -> "node3" [ style = dotted ] // ketapath_store -> SQLite::SQLite3
    "node4" -> "node0"  // ketapath_pd -> ketapath_core
    "node5" -> "node4" [ style = dotted ] // ketapath_trial -> ketapath_pd
    "node6" -> "node2" [ style = dotted ] // ketapath -> ketapath_store
    "node6" -> "node5" [ style = dotted ] // ketapath -> ketapath_trial
}
"""

CLEAN = {
    "core/units.h": "#pragma once\n#include <cmath>\n",
    "clinic/patient.h": '#include "core/units.h"\n',
    "store/open.cpp": '#include "clinic/patient.h"\n#include "core/units.h"\n#include <sqlite3.h>\n',
    "pd/model.h": '#include "core/units.h"\n',
    "trial/run.cpp": '#include "pd/model.h"\n#include "core/units.h"\n',
    "cli/main.cpp": '#include "store/open.h"\n#include "trial/run.h"\n#include "clinic/patient.h"\n',
}


def run(files: dict[str, str], graph: str = GRAPH) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        for name, text in files.items():
            path = root / "src" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (root / "deps.dot").write_text(graph)
        return subprocess.run([sys.executable, str(SCRIPT), "--src", str(root / "src"), "--graph",
                               str(root / "deps.dot")], capture_output=True, text=True)


# The PDF layer: clinic/pdf (its own folder with a CMakeLists.txt) links clinic; the CLI links it.
PDF_GRAPH = GRAPH.replace('}\n', '''    "node7" [ label = "ketapath_clinic_pdf", shape = octagon ];
    "node7" -> "node1"  // ketapath_clinic_pdf -> ketapath_clinic
    "node6" -> "node7" [ style = dotted ] // ketapath -> ketapath_clinic_pdf
}
''')
PDF_CLEAN = dict(CLEAN, **{"clinic/pdf/CMakeLists.txt": "",
                           "clinic/pdf/letter.cpp": '#include <cairo.h>\n#include <pango/pangocairo.h>\n'
                                                    '#include "clinic/patient.h"\n',
                           "cli/report.cpp": '#include "clinic/pdf/letter.h"\n'})


class CheckBoundaries(unittest.TestCase):
    def test_pdf_layer_clean_tree_passes(self):
        result = run(PDF_CLEAN, PDF_GRAPH)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_cairo_outside_the_pdf_layer_fails(self):
        files = dict(PDF_CLEAN, **{"clinic/patient.h": "#include <cairo.h>\n"})
        result = run(files, PDF_GRAPH)
        self.assertEqual(result.returncode, 1)
        self.assertIn("'clinic' includes the PDF renderer's header <cairo.h>", result.stdout)

    def test_only_front_ends_link_the_pdf_layer(self):
        graph = PDF_GRAPH.replace('}\n', '    "node2" -> "node7"  // ketapath_store -> ketapath_clinic_pdf\n}\n')
        result = run(PDF_CLEAN, graph)
        self.assertEqual(result.returncode, 1)
        self.assertIn("ketapath_store: links ketapath_clinic_pdf, which only the front ends", result.stdout)

    def test_clean_tree_passes(self):
        result = run(CLEAN)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_include_of_a_module_not_linked_fails(self):
        files = dict(CLEAN, **{"pd/model.h": '#include "clinic/patient.h"\n'})
        result = run(files)
        self.assertEqual(result.returncode, 1)
        self.assertIn("pd/model.h:1: 'pd' includes \"clinic/patient.h\" but does not link "
                      "ketapath_clinic", result.stdout)

    def test_private_link_of_a_dependency_does_not_reach(self):
        # The CLI links trial, which links pd only privately: the CLI may not include pd.
        files = dict(CLEAN, **{"cli/main.cpp": '#include "pd/model.h"\n'})
        result = run(files)
        self.assertEqual(result.returncode, 1)
        self.assertIn("'cli' includes \"pd/model.h\" but does not link ketapath_pd", result.stdout)

    def test_public_chain_reaches(self):
        files = dict(CLEAN, **{"store/open.cpp": '#include "core/units.h"\n'})
        self.assertEqual(run(files).returncode, 0)

    def test_engine_includes_no_sql_header(self):
        files = dict(CLEAN, **{"pd/model.h": "#include <sqlite3.h>\n"})
        result = run(files)
        self.assertEqual(result.returncode, 1)
        self.assertIn("the engine module 'pd' includes the storage, server or SQL header "
                      "<sqlite3.h>", result.stdout)

    def test_nothing_includes_upward(self):
        files = dict(CLEAN, **{"cli/command.h": "#pragma once\n",
                               "clinic/patient.h": '#include "cli/command.h"\n'})
        result = run(files)
        self.assertEqual(result.returncode, 1)
        self.assertIn("'clinic' includes the front end header \"cli/command.h\"", result.stdout)


# The clinic in layers: each folder with its own CMakeLists.txt is its own target.
LAYER_GRAPH = """digraph "ketapath" {
    "node0" [ label = "ketapath_core", shape = octagon ];
    "node1" [ label = "ketapath_clinic_domain", shape = octagon ];
    "node2" [ label = "ketapath_clinic_json", shape = octagon ];
    "node3" [ label = "ketapath_clinic_service", shape = octagon ];
    "node4" [ label = "ketapath_store_memory", shape = octagon ];
    "node1" -> "node0"  // ketapath_clinic_domain -> ketapath_core
    "node2" -> "node1"  // ketapath_clinic_json -> ketapath_clinic_domain
    "node3" -> "node1"  // ketapath_clinic_service -> ketapath_clinic_domain
    "node3" -> "node2"  // ketapath_clinic_service -> ketapath_clinic_json
    "node4" -> "node3"  // ketapath_store_memory -> ketapath_clinic_service
}
"""

LAYERS = {
    "core/units.h": "#pragma once\n",
    "clinic/CMakeLists.txt": "add_subdirectory(domain)\n",
    "clinic/domain/CMakeLists.txt": "\n",
    "clinic/json/CMakeLists.txt": "\n",
    "clinic/service/CMakeLists.txt": "\n",
    "store/memory/CMakeLists.txt": "\n",
    "clinic/domain/patient.h": '#include "core/units.h"\n',
    "clinic/json/json.h": '#include "clinic/domain/patient.h"\n',
    "clinic/service/ports.h": '#include "clinic/domain/patient.h"\n#include "clinic/json/json.h"\n',
    "store/memory/memory_store.h": '#include "clinic/service/ports.h"\n',
}


class CheckLayers(unittest.TestCase):
    def test_layers_that_link_downward_pass(self):
        result = run(LAYERS, LAYER_GRAPH)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_domain_including_the_service_layer_fails(self):
        files = dict(LAYERS, **{"clinic/domain/patient.h": '#include "clinic/service/ports.h"\n'})
        result = run(files, LAYER_GRAPH)
        self.assertEqual(result.returncode, 1)
        self.assertIn("'clinic/domain' includes \"clinic/service/ports.h\" but does not link "
                      "ketapath_clinic_service", result.stdout)

    def test_json_including_the_service_layer_fails(self):
        files = dict(LAYERS, **{"clinic/json/json.h": '#include "clinic/service/ports.h"\n'})
        result = run(files, LAYER_GRAPH)
        self.assertEqual(result.returncode, 1)
        self.assertIn("'clinic/json' includes \"clinic/service/ports.h\"", result.stdout)


if __name__ == "__main__":
    unittest.main()
