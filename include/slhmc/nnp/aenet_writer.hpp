// Writers for aenet `.nn` files, the inverse of the readers in aenet_file.hpp:
// the ASCII interchange layout (nnp-formats §A12, what aenet-PyTorch, newer
// aenet and AccelNet read) and the binary gfortran record form (§A11, what
// predict.x reads). Both recompute the bookkeeping records (nnodes_max, Wsize,
// nvalues, iw, iv) from the layer sizes, so a file built in memory (by the
// trainer) is written consistently.
#pragma once

#include <string>

#include "slhmc/nnp/aenet_file.hpp"

namespace slhmc::nnp {

// §A12 text: one field group per line, reals with 17 significant digits (read back bit-exactly),
// logicals as T/F. An empty description is written as "$$" (aenet's encoding of one empty DESCR
// line) and an empty training-set name as "-", because a list-directed reader skips blank lines.
// Throws Error if the file is inconsistent (array sizes against the counts), holds a non-finite
// real, a string with a line break, or a description/training-set name starting with ',' or '/'.
std::string format_aenet_nn_ascii(const AenetNetFile& file);

// §A11 bytes: 36 little-endian gfortran sequential records; strings blank padded to their fixed
// lengths (description and training-set name 1024, sftype 100, species 2). Throws Error if the
// file is inconsistent or a string does not fit its field.
std::string format_aenet_nn_binary(const AenetNetFile& file);

}  // namespace slhmc::nnp
