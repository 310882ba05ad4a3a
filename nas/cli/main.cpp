// The `pinas` command-line tool. Subcommands live in the other files of this
// folder and register themselves (see command_registry.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "nas/cli/command_registry.h"
#include "proto/error.h"

namespace {

// Prints the one-line error and returns the CLI's error status. The line is
// formatted first and written in one piece: std::cerr is unbuffered, so a
// chain of << would be several writes, and a server sharing the terminal (or a
// test's captured output) could land its own line in the middle of this one.
int report_error(const char* what) {
  std::cerr << fmt::format("pinas: error: {}\n", what);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pinas: neural architecture search for private inference", "pinas"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pinas 0.1.0");
  pinas::cli::register_all_commands(app);
  if (argc < 2) {
    // A bare `pinas` shows what it can do instead of CLI11's terse complaint.
    std::cout << app.help();
    std::cerr << "pinas: error: a command is required (the commands are listed above)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version arrive as "errors" with exit code 0.
    if (error.get_exit_code() == 0) return app.exit(error);
    return report_error(error.what());
  } catch (const pinas::Error& error) {
    return report_error(error.what());
  } catch (const std::exception& error) {
    return report_error(error.what());
  }
  return 0;
}
