import numpy as np
rng=np.random.default_rng(7)
n=120
a=rng.normal(size=(n,2))
X=np.column_stack([a[:,0], a[:,1], a[:,0]+0.1*rng.normal(size=n), 2*a[:,1]-a[:,0]+0.1*rng.normal(size=n)])
y=np.zeros(n); y[-20:]=1; X[-20:,2]+=3
np.save('table.npy',X); np.save('table_labels.npy',y)
with open('table.csv','w') as f:
    f.write('a,b,c,d\n')
    for r in X: f.write(','.join(f'{v:.6f}' for v in r)+'\n')
S=np.zeros((60,12,1)); L=np.zeros(60); Y=np.zeros(60)
for i in range(60):
    c=i%3; Y[i]=c; L[i]=6+rng.integers(0,7)
    t=np.arange(int(L[i])); S[i,:int(L[i]),0]=np.exp(-[0.02,0.1,0.4][c]*t)*np.cos(0.7*t+rng.uniform(0,6))
np.save('seq.npy',S); np.save('seq_labels.npy',Y); np.save('seq_lengths.npy',L)
