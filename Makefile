# hakoc — top-level commands. The build itself is CMake + Ninja.
#   make demo     install what is missing, build (Release), run examples/
#   make test     install what is missing, build, run every suite via CTest
#   make runtime  build libreml_runtime.a alone
#   make bench    native vs C, VM vs Lua 5.4 and CPython (programs and foreign calls), then the runtime's
#                 allocation and reference-counting micro-benchmarks and the
#                 runtime guards' A/B (bench/)
#   make install  install the Release build: PREFIX/bin/hakoc, PREFIX/lib/libreml_runtime.a,
#                 PREFIX/include/reml_runtime.h (PREFIX defaults to /usr/local)
JOBS      ?= 2
RELEASE   := build/release
TESTBUILD := build/test
CMAKE_GEN := -G Ninja
PREFIX    ?= /usr/local

.PHONY: all demo test runtime bench bootstrap release testbuild sanitize install clean

all: release

bootstrap:
	@bash tools/bootstrap.sh

$(RELEASE)/build.ninja:
	cmake -S . -B $(RELEASE) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

release: bootstrap $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS)

$(TESTBUILD)/build.ninja:
	cmake -S . -B $(TESTBUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHAKO_ALWAYS_VERIFY=ON -DHAKO_WERROR=ON

testbuild: bootstrap $(TESTBUILD)/build.ninja
	cmake --build $(TESTBUILD) -j $(JOBS)

demo: release
	@for f in examples/*.hako; do \
	  echo "== $$f"; \
	  $(RELEASE)/hakoc run $$f || exit 1; \
	done

test: testbuild
	cd $(TESTBUILD) && ctest -j $(JOBS) --output-on-failure

runtime: bootstrap $(RELEASE)/build.ninja
	cmake --build $(RELEASE) -j $(JOBS) --target reml_runtime

bench: release
	python3 bench/run_bench.py --hakoc $(RELEASE)/hakoc
	python3 bench/weak_bench.py --hakoc $(RELEASE)/hakoc
	python3 bench/ffi_bench.py --hakoc $(RELEASE)/hakoc
	cmake --build $(RELEASE) -j $(JOBS) --target rc_bench
	$(RELEASE)/bench/rc_bench
	cmake --build $(RELEASE) -j $(JOBS) --target reml_runtime_noguard
	python3 bench/guard_bench.py --hakoc $(RELEASE)/hakoc --runtime $(RELEASE)/runtime/libreml_runtime.a \
	  --noguard-runtime $(RELEASE)/runtime/libreml_runtime_noguard.a

sanitize: bootstrap
	cmake -S . -B build/asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DHAKO_SANITIZE=ON -DHAKO_ALWAYS_VERIFY=ON
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ctest -j $(JOBS) --output-on-failure

install: release
	cmake --install $(RELEASE) --prefix $(PREFIX)

clean:
	rm -rf build
