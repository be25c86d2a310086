namespace hako::parse {}
