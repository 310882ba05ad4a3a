#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace pinas::cli {

// Adds one group of subcommands to the `pinas` application. Each command file
// in nas/cli/ defines a static CommandRegistration, so adding a command never
// means editing main.cpp. Registration happens during static initialization;
// not thread-safe, and not meant to be called after main() starts.
class CommandRegistration {
 public:
  using Registrar = std::function<void(CLI::App& app)>;
  CommandRegistration(const std::string& name, Registrar registrar);
};

// Calls every registrar, in name order, on `app`.
void register_all_commands(CLI::App& app);

// Returns the subcommand `name` of `parent`, creating it (with `description`
// and "a subcommand is required") when no registrar has yet. Lets several
// files share a group such as `pinas bench`.
CLI::App* subcommand_group(CLI::App& parent, const std::string& name,
                           const std::string& description);

}  // namespace pinas::cli
