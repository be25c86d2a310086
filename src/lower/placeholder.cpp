namespace hako::lower {}
