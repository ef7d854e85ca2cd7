# faasfuse: the two commands a newcomer needs, and the rest.
#   make demo    install what is missing, build, merge examples/foo.c + bar.c, compare, time
#   make demo-thrift  the same for examples/thrift: six C++ Thrift services merged into one
#   make demo-app  examples/app, 13 functions: build, profile, plan, deploy (checked), time
#   make check   install what is missing, build, run every test (LLVM_VERSION=14|19|22)
#   make build   configure (when needed) and build the plugin, runtime and faas-run
#                (installs nothing: make deps, or any target above, does)
#   make bench   install what is missing (gnuplot too), build, then bench/run
#   make fuzz N=1000   install what is missing, build, then tests/fuzz/run N
#   make deps    only install the Debian packages that are missing (needs root)
# Which LLVM, where it is and which build directory it gets (build/ for the
# default, build-N/ for the others): scripts/llvm-layout says.
LAYOUT := scripts/llvm-layout
LLVM_VERSION ?= $(shell $(LAYOUT) default)
BUILD ?= $(shell $(LAYOUT) build $(LLVM_VERSION))
LLVM_DIR := $(shell $(LAYOUT) cmakedir $(LLVM_VERSION))
LLVM_BIN := $(shell $(LAYOUT) bindir $(LLVM_VERSION))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
N ?= 1000
# Written after a successful configure; a configure that failed half-way
# (CMakeCache.txt but no stamp) or a fresh clone configures again.
STAMP := $(BUILD)/.faasfuse-configured
ifeq ($(wildcard $(BUILD)/CMakeCache.txt),)
$(shell rm -f $(STAMP))
endif
ifeq ($(wildcard $(BUILD)/Makefile),)
$(shell rm -f $(STAMP))
endif

.PHONY: all deps configure build build-quiet check demo demo-thrift demo-app bench fuzz clean

all: build

deps:
	@scripts/install-deps $(LLVM_VERSION)

# Prerequisites run in the order written: deps before the build.
.NOTPARALLEL:

$(STAMP):
	@rm -f $(STAMP); mkdir -p $(BUILD)
	cmake -S . -B $(BUILD) -G "Unix Makefiles" -DLLVM_DIR=$(LLVM_DIR) \
	  -DCMAKE_C_COMPILER=$(LLVM_BIN)/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_BIN)/clang++ \
	  -DCMAKE_ASM_COMPILER=$(LLVM_BIN)/clang >$(BUILD)/configure.log 2>&1 \
	  || { cat $(BUILD)/configure.log >&2; echo "make: configuring $(BUILD) for LLVM $(LLVM_VERSION) failed" >&2; exit 1; }
	@rm -f $(BUILD)/configure.log
	@touch $(STAMP)

configure: $(STAMP)

build: configure
	cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

# The demo builds quietly: the build's output only when it fails.
build-quiet: configure
	@echo "building faasfuse for LLVM $(LLVM_VERSION) in $(BUILD)/ ..."
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory >$(BUILD)/build.log 2>&1 \
	  || { tail -n 40 $(BUILD)/build.log >&2; echo "make: the build failed (all of it: $(BUILD)/build.log)" >&2; exit 1; }

# lit's own summary ends the output; any failing test makes this fail.
check: deps build
	cmake --build $(BUILD) --target check -- --no-print-directory

demo: deps build-quiet
	@scripts/demo $(LLVM_VERSION) $(BUILD)

demo-thrift: deps build-quiet
	@scripts/demo-thrift $(LLVM_VERSION) $(BUILD)

demo-app: deps build-quiet
	@scripts/demo-app $(LLVM_VERSION) $(BUILD)

bench: deps build
	@if [ -f bench/run ]; then LLVM_VERSION=$(LLVM_VERSION) BUILD=$(BUILD) ./bench/run; else echo "make bench: bench/run is not there yet" >&2; exit 1; fi

fuzz: deps build
	@if [ -f tests/fuzz/run ]; then ./tests/fuzz/run $(or $(N),200) --llvm-version $(LLVM_VERSION); else echo "make fuzz: tests/fuzz/run is not there yet" >&2; exit 1; fi

clean:
	rm -rf build $(foreach v,$(shell $(LAYOUT) supported),build-$(v))
