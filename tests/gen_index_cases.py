# gen_index_cases.py -- placeholder
