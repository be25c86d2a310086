// The hakoc command line: parses arguments and runs the pipeline
// (src/driver/pipeline.h) for each subcommand.
#pragma once

namespace hako::driver {

int main(int argc, char** argv);

}  // namespace hako::driver
