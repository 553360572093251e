docker build --tag where-am-i:v1 .
