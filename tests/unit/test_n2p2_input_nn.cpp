// input.nn parser: element order, symmetry-function sort order, scaling modes,
// topology, normalisation, and every rejection rule of nnp-formats.md §B2/Part D.
#include <gtest/gtest.h>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"

using namespace slhmc;
using namespace slhmc::nnp::n2p2;

namespace {

const std::string kBase =
    "number_of_elements 3   # comment\n"
    "elements O C H\n"
    "cutoff_type 1 0.25\n"
    "scale_symmetry_functions\n"
    "scale_min_short -1.0\n"
    "scale_max_short 1.0\n"
    "global_hidden_layers_short 2\n"
    "global_nodes_short 4 3\n"
    "global_activation_short t s l\n"
    "epochs 10\n"
    "symfunction_short H 2 O 0.5 0.0 5.0\n"
    "symfunction_short H 2 H 0.5 0.0 5.0\n"
    "symfunction_short H 2 C 4.0 2.0 4.0\n"
    "symfunction_short H 3 O C 0.05 1.0 1.0 4.5\n"
    "symfunction_short H 9 O H 0.02 -1.0 2.0 5.0\n"
    "symfunction_short H 12 0.3 0.0 5.0\n"
    "symfunction_short H 13 0.05 0.0 1.0 1.0 4.5\n"
    "symfunction C 2 H 0.5 0.0 5.0\n"
    "symfunction_short O 2 H 0.5 0.0 5.0\n";

Settings parse(const std::string& text, TopologyDialect d = TopologyDialect::unspecified) {
  return parse_input_nn(text, "input.nn", d);
}

// Expects a ParseError whose message contains `what` and names line `line` (0: any).
void expect_error(const std::string& text, const std::string& what, std::size_t line = 0,
                  TopologyDialect d = TopologyDialect::unspecified) {
  try {
    parse(text, d);
    FAIL() << "no error for: " << what;
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("input.nn"), std::string::npos) << e.what();
    if (line) {
      EXPECT_EQ(e.line(), line) << e.what();
    }
  }
}

}  // namespace

TEST(N2p2InputNn, ElementsSortedByAtomicNumber) {
  const Settings s = parse(kBase);
  ASSERT_EQ(s.elements, (std::vector<int>{1, 6, 8}));
  EXPECT_EQ(s.symbols, (std::vector<std::string>{"H", "C", "O"}));
  EXPECT_EQ(s.cutoff_type, CutoffType::cos);
  EXPECT_DOUBLE_EQ(s.cutoff_alpha, 0.25);
  EXPECT_EQ(s.scaling, ScalingMode::scale);
  EXPECT_DOUBLE_EQ(s.scale_min, -1.0);
  EXPECT_EQ(s.topology[0].hidden_nodes, (std::vector<int>{4, 3}));
  EXPECT_EQ(s.topology[2].activations, "tsl");
  EXPECT_FALSE(s.normalized);
  EXPECT_FALSE(s.normalize_nodes);
  EXPECT_TRUE(parse(kBase + "normalize_nodes\n").normalize_nodes);
  EXPECT_EQ(s.element_index(8), 2);
  EXPECT_EQ(s.element_index(26), -1);
  EXPECT_DOUBLE_EQ(s.max_cutoff(), 5.0);
  EXPECT_FALSE(s.warnings.empty());  // 'epochs' is training-only
}

TEST(N2p2InputNn, SymmetryFunctionsSortedByTypeRcEtaAndElement) {
  const Settings s = parse(kBase);
  const auto& h = s.sfs[0];
  ASSERT_EQ(h.size(), 7u);
  // type 2: rc 4 first, then rc 5 with e1 = H (0) before O (2).
  EXPECT_EQ(h[0].type, 2);
  EXPECT_DOUBLE_EQ(h[0].rc, 4.0);
  EXPECT_EQ(h[1].e1, 0);
  EXPECT_EQ(h[2].e1, 2);
  EXPECT_EQ(h[3].type, 3);
  // 'O C' is swapped to element indices (C = 1, O = 2).
  EXPECT_EQ(h[3].e1, 1);
  EXPECT_EQ(h[3].e2, 2);
  EXPECT_EQ(h[4].type, 9);
  EXPECT_EQ(h[4].e1, 0);
  EXPECT_EQ(h[4].e2, 2);
  EXPECT_EQ(h[5].type, 12);
  EXPECT_EQ(h[6].type, 13);
  EXPECT_DOUBLE_EQ(h[6].lambda, 1.0);
  EXPECT_DOUBLE_EQ(h[6].rc, 4.5);
  EXPECT_EQ(h[0].line, 13u);
  // 'symfunction' is an alias.
  EXPECT_EQ(s.sfs[1].size(), 1u);
}

TEST(N2p2InputNn, AngularRsOptionalAndDefaultsToZero) {
  const Settings s = parse(kBase + "symfunction_short O 3 H H 0.1 1.0 2.0 4.0 0.5\n");
  ASSERT_EQ(s.sfs[2].size(), 2u);
  EXPECT_DOUBLE_EQ(s.sfs[2][1].rs, 0.5);
  EXPECT_DOUBLE_EQ(parse(kBase).sfs[0][3].rs, 0.0);
}

TEST(N2p2InputNn, ScalingModes) {
  auto mode = [](const std::string& kw) {
    std::string t = kBase;
    t.replace(t.find("scale_symmetry_functions\n"), 25, kw);
    return parse(t).scaling;
  };
  EXPECT_EQ(mode("center_symmetry_functions\n"), ScalingMode::center);
  EXPECT_EQ(mode("center_symmetry_functions\nscale_symmetry_functions\n"), ScalingMode::scale_center);
  EXPECT_EQ(mode("scale_symmetry_functions_sigma\n"), ScalingMode::scale_sigma);
  EXPECT_EQ(mode("\n"), ScalingMode::none);
}

TEST(N2p2InputNn, NormalisationNeedsAllThree) {
  const Settings s = parse(kBase + "mean_energy -2.5\nconv_energy 3.0\nconv_length 1.5\n");
  EXPECT_TRUE(s.normalized);
  EXPECT_DOUBLE_EQ(s.mean_energy, -2.5);
  EXPECT_DOUBLE_EQ(s.conv_energy, 3.0);
  EXPECT_DOUBLE_EQ(s.conv_length, 1.5);
  expect_error(kBase + "mean_energy -2.5\nconv_energy 3.0\n", "all three");
  expect_error(kBase + "mean_energy -2.5\nconv_energy 0\nconv_length 1\n", "conv_energy > 0");
}

TEST(N2p2InputNn, AtomEnergies) {
  const Settings s = parse(kBase + "atom_energy O -2040.8\natom_energy H -13.6\n");
  EXPECT_DOUBLE_EQ(s.atom_energy[0], -13.6);
  EXPECT_DOUBLE_EQ(s.atom_energy[1], 0.0);
  EXPECT_DOUBLE_EQ(s.atom_energy[2], -2040.8);
  expect_error(kBase + "atom_energy O -1\natom_energy O -2\n", "already given", 21);
  expect_error(kBase + "atom_energy Zn -1\n", "expected an element", 20);
}

TEST(N2p2InputNn, RejectsOtherGenerations) {
  expect_error(kBase + "nnp_type 4G-HDNNP\n", "4G-HDNNP", 20);
  expect_error(kBase + "nnp_generation 4\n", "not supported", 20);
  expect_error(kBase + "nnp_type Q-HDNNP\n", "Q-HDNNP", 20);
  EXPECT_NO_THROW(parse(kBase + "nnp_gen 2\n"));
}

TEST(N2p2InputNn, RejectsUnsupportedSymmetryFunctions) {
  expect_error(kBase + "symfunction_short H 21 H 1.0 2.0 3.0\n", "type 21", 20);
  expect_error(kBase + "symfunction_short H 24 H H 1 2 3 4 5 6\n", "type 24", 20);
  expect_error(kBase + "symfunction_short H 5 0.5\n", "type 5 is not supported", 20);
  expect_error(kBase + "symfunction_short H 2 O 0.5 0.0\n", "<e1> <eta> <rs> <rc>", 20);
  expect_error(kBase + "symfunction_short H 2 O 0.5 x 5.0\n", "rs", 20);
  expect_error(kBase + "symfunction_short H 2 Fe 0.5 0 5.0\n", "'Fe'", 20);
}

TEST(N2p2InputNn, RejectsDuplicatesNegativeRsAndZeroLambda) {
  // Same function as line 14 with e1/e2 written the other way round.
  expect_error(kBase + "symfunction_short H 3 C O 0.05 1.0 1.0 4.5\n", "duplicate", 20);
  expect_error(kBase + "symfunction_short H 3 C O 0.05 1.0 1.0 4.5 -0.2\n", "rs >= 0", 20);
  expect_error(kBase + "symfunction_short H 9 C O 0.05 0.0 1.0 4.5\n", "lambda != 0", 20);
  expect_error(kBase + "symfunction_short H 13 0.05 -0.1 1.0 1.0 4.5\n", "rs >= 0", 20);
  expect_error(kBase + "symfunction_short H 2 H 0.5 0.0 -5.0\n", "rc > 0", 20);
}

TEST(N2p2InputNn, RejectsRepeatedKeywords) {
  expect_error(kBase + "cutoff_type 2\n", "repeated", 20);
  expect_error(kBase + "epochs 3\n", "repeated", 20);
  expect_error(kBase + "nnp_type 2\nnnp_gen 2\n", "repeated", 21);
}

TEST(N2p2InputNn, RejectsInconsistentElementsAndTopology) {
  std::string t = kBase;
  t.replace(t.find("number_of_elements 3"), 20, "number_of_elements 2");
  expect_error(t, "number_of_elements", 2);
  std::string a = kBase;
  a.replace(a.find("t s l"), 5, "t s");
  expect_error(a, "3 activation letters", 9);
  std::string n = kBase;
  n.replace(n.find("4 3\n"), 4, "4\n");
  expect_error(n, "<n1> ... <n2>", 8);
  expect_error(kBase + "cutoff_type 9\n", "repeated");
  std::string c = kBase;
  c.replace(c.find("cutoff_type 1 0.25"), 18, "cutoff_type 9");
  expect_error(c, "cutoff type 0-8", 3);
  c = kBase;
  c.replace(c.find("cutoff_type 1 0.25"), 18, "cutoff_type 1 1.0");
  expect_error(c, "alpha", 3);
  expect_error("elements H\n", "number_of_elements");
  expect_error("number_of_elements 1\nelements H\ncutoff_type 2\nglobal_hidden_layers_short 0\n"
               "global_activation_short l\n",
               "no symmetry functions");
}

TEST(N2p2InputNn, PerElementTopologyNeedsDialect) {
  const std::string v23 = kBase + "element_nodes_short O 1 7\n";
  expect_error(v23, "dialect", 20);
  const Settings s = parse(v23, TopologyDialect::v2_3_0);
  EXPECT_EQ(s.topology[2].hidden_nodes, (std::vector<int>{7, 3}));
  EXPECT_EQ(s.topology[0].hidden_nodes, (std::vector<int>{4, 3}));
  // The same line read in the master dialect means "hidden layers 1 and 7 wide" (why a dialect is required).
  EXPECT_EQ(parse(v23, TopologyDialect::master).topology[2].hidden_nodes, (std::vector<int>{1, 7}));
  const std::string master = kBase +
                             "element_hidden_layers_short O 3\n"
                             "element_nodes_short O 5 6 7\n"
                             "element_activation_short O t t t l\n";
  const Settings m = parse(master, TopologyDialect::master);
  EXPECT_EQ(m.topology[2].hidden_nodes, (std::vector<int>{5, 6, 7}));
  EXPECT_EQ(m.topology[2].activations, "tttl");
  EXPECT_EQ(m.topology[1].activations, "tsl");
  expect_error(master, "does not exist in n2p2 v2.3.0", 0, TopologyDialect::v2_3_0);
}
