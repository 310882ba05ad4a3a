#pragma once

#include "proto/error.h"

namespace pinas::spaces {

// An invalid architecture graph: a cycle, a shape mismatch at ADD or CONCAT, a
// dangling input, an unknown op, a bad attribute, a duplicate name. The
// message names the node at fault ("node 'cell2/add': ...").
class GraphError : public Error {
 public:
  using Error::Error;
};

// A bad search-space request: an unknown space or preset name, or a genotype
// that is not a member of its space (the message names the field).
class SpaceError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read as an architecture or a genotype: missing,
// unparsable (the message names the file and the line and column, or the
// field), or of an unrecognized kind.
class ArchitectureFileError : public Error {
 public:
  using Error::Error;
};

}  // namespace pinas::spaces
