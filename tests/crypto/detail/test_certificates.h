#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

namespace pinas::crypto::testing {

// PEM files made by the openssl command-line tool for the TLS tests, in a
// temporary folder removed at destruction: a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, a client certificate signed by it,
// and a second, unrelated CA with a client certificate of its own.
class TestCertificates {
 public:
  // Returns the files, or nullopt when the openssl tool is absent or fails
  // (the caller skips, saying why).
  static std::optional<TestCertificates> make() {
    if (std::system("openssl version > /dev/null 2>&1") != 0) return std::nullopt;
    TestCertificates files;
    const auto& d = files.dir_;
    std::filesystem::create_directories(d);
    std::ofstream(d / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                       "extendedKeyUsage=serverAuth\n";
    std::ofstream(d / "client.ext") << "extendedKeyUsage=clientAuth\n";
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    auto ca = [&](const std::string& name) {
      return "openssl req -x509" + key + " -keyout " + name + ".key -out " + name +
             ".pem -days 2 -subj /CN=pinas-test-" + name;
    };
    auto leaf = [&](const std::string& name, const std::string& ca_name, const std::string& ext) {
      return "openssl req" + key + " -keyout " + name + ".key -out " + name +
             ".csr -subj /CN=" + name + " && openssl x509 -req -in " + name + ".csr -CA " +
             ca_name + ".pem -CAkey " + ca_name + ".key -CAcreateserial -days 2 -out " + name +
             ".pem -extfile " + ext;
    };
    const std::string script = "cd '" + d.string() + "' && " + ca("ca") + " && " + ca("other-ca") +
                               " && " + leaf("server", "ca", "server.ext") + " && " +
                               leaf("client", "ca", "client.ext") + " && " +
                               leaf("stranger", "other-ca", "client.ext") + " > log 2>&1";
    if (std::system(("(" + script + ") > /dev/null 2>&1").c_str()) != 0) return std::nullopt;
    return files;
  }

  TestCertificates(TestCertificates&& other) noexcept : dir_(std::move(other.dir_)) {
    other.dir_.clear();
  }
  TestCertificates& operator=(TestCertificates&& other) noexcept {
    std::swap(dir_, other.dir_);
    return *this;
  }
  TestCertificates(const TestCertificates&) = delete;
  ~TestCertificates() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string ca() const { return path("ca.pem"); }
  std::string other_ca() const { return path("other-ca.pem"); }

 private:
  TestCertificates()
      : dir_(std::filesystem::temp_directory_path() /
             ("pinas-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))) {}
  static int& counter() {
    static int value = 0;
    return value;
  }

  std::filesystem::path dir_;
};

}  // namespace pinas::crypto::testing
