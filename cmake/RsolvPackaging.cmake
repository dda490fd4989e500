# What `cmake --install` and CPack ship: the five tools (rsolv_tool installs each), their manuals
# and the ready examples. ci/package.sh builds the release preset and runs CPack for a .deb and a
# .tar.gz; with RSOLV_STATIC the binaries need only glibc (2.36+), so one .deb serves Debian 12 and
# Ubuntu 24.04 alike (a dynamically linked one would pin Debian 12's libyaml-cpp0.7 and libssl3).
include(GNUInstallDirs)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples USE_SOURCE_PERMISSIONS)

set(CPACK_PACKAGE_NAME rsolv-harness)
set(CPACK_PACKAGE_VENDOR RSOLV)
set(CPACK_PACKAGE_CONTACT "RSOLV-dev <https://github.com/RSOLV-dev/rsolv-harness/issues>")
set(CPACK_PACKAGE_HOMEPAGE_URL https://github.com/RSOLV-dev/rsolv-harness)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "RSOLV billing tooling: GitHub Action, load generator, Stripe webhook simulator, security suites, sandbox")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_FILE_NAME ${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-linux-x86_64)
# The tarball holds bin/ and share/ under one top folder, ready for `tar -C /usr/local --strip-components=1`.
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps reads the binaries' DT_NEEDED: with RSOLV_STATIC that is glibc alone (libc6).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# https calls verify against the system's CA certificates; plain http to a local sandbox needs none.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION_SUMMARY}
 rsolv-action checks RSOLV entitlement and reports merged fixes exactly once;
 rsolv-loadgen runs k6-style scenarios at wrk's speed with honest latency;
 rsolv-webhook-sim sends correctly signed Stripe events and lifecycles with
 delivery faults; rsolv-security runs black-box PCI, SQL injection, webhook,
 rate-limit and auth suites with SARIF and JUnit reports; rsolv-sandbox serves
 the RSOLV platform contract on loopback for offline tests.")
include(CPack)
