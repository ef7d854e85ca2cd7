# faasfuse: the two commands a newcomer needs, and the rest.
#   make demo    install what is missing, build, merge examples/foo.c + bar.c, compare, time
#   make check   install what is missing, build, run every test (LLVM_VERSION=14|19|22)
LLVM_VERSION ?= 19
ifeq ($(LLVM_VERSION),19)
BUILD ?= build
else
BUILD ?= build-$(LLVM_VERSION)
endif
LLVM_DIR := /usr/lib/llvm-$(LLVM_VERSION)/lib/cmake/llvm
JOBS ?= $(shell nproc)

.PHONY: all deps build check demo bench fuzz clean

all: build

deps:
	@scripts/install-deps $(LLVM_VERSION)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DLLVM_DIR=$(LLVM_DIR) \
	  -DCMAKE_C_COMPILER=/usr/lib/llvm-$(LLVM_VERSION)/bin/clang \
	  -DCMAKE_CXX_COMPILER=/usr/lib/llvm-$(LLVM_VERSION)/bin/clang++ \
	  -DCMAKE_ASM_COMPILER=/usr/lib/llvm-$(LLVM_VERSION)/bin/clang >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: build
	cmake --build $(BUILD) --target check

demo: build
	@scripts/demo $(LLVM_VERSION) $(BUILD)

clean:
	rm -rf build build-14 build-19 build-22
